namespace Hospes.Storage.Tiny.Tools;

/// <summary>Work directories that must not outlive the build that made them.</summary>
internal static class TempDirectory
{
    /// <summary>A new, empty directory beside <paramref name="parent"/>'s other entries, hidden by a leading dot.</summary>
    public static string CreateIn(string parent, string purpose)
    {
        string path = Path.Combine(parent, $".{purpose}-{Path.GetRandomFileName()}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup must not hide the outcome being reported; a leftover dot-directory is harmless.
        }
    }
}
