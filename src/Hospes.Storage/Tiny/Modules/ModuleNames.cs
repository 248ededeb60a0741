namespace Hospes.Storage.Tiny.Modules;

/// <summary>Module names: the kernel treats '-' and '_' alike and reports underscores.</summary>
internal static class ModuleNames
{
    public static string Normalize(string name) => name.Replace('-', '_');

    /// <summary>The module name of a file such as virtio-rng.ko.</summary>
    public static string OfFile(string path)
    {
        string file = Path.GetFileName(path);
        return Normalize(file.EndsWith(".ko", StringComparison.Ordinal) ? file[..^3] : file);
    }
}
