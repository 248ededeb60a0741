namespace Hospes.Config.Reading;

/// <summary>How paths in a config become host paths.</summary>
internal static class HostPaths
{
    public const string ImagePrefix = "image:";

    /// <summary>A Hospes store reference ("image:NAME"): kept symbolic, never checked on disk.</summary>
    public static bool IsImageReference(string path) => path.StartsWith(ImagePrefix, StringComparison.Ordinal);

    /// <summary>What makes a path unusable on any host (a control character such as NUL), or null.</summary>
    public static string? Problem(string path)
    {
        foreach (char c in path)
        {
            if (char.IsControl(c))
            {
                return $"the path contains the control character U+{(int)c:X4}; a path cannot hold control characters";
            }
        }

        return null;
    }

    /// <summary>Absolute paths and image references stay; relative paths resolve against the config's folder.</summary>
    public static string Resolve(string path, string baseDirectory) =>
        IsImageReference(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));
}
