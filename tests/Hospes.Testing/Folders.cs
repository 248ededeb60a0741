namespace Hospes.Testing;

public static class Folders
{
    /// <summary>Copies every file under <paramref name="from"/> to the same place under <paramref name="to"/>, overwriting.</summary>
    public static void Copy(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
