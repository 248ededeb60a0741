using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>How paths in a config become host paths.</summary>
internal static class HostPaths
{
    public const string ImagePrefix = SpecRules.ImagePrefix;

    /// <summary>A Hospes store reference ("image:NAME"): kept symbolic, never checked on disk.</summary>
    public static bool IsImageReference(string path) => SpecRules.IsImageReference(path);

    /// <summary>What is wrong with an image reference's name (it becomes a folder of the store), or null.</summary>
    public static string? ImageProblem(string path) =>
        IsImageReference(path) && VmName.Validate(path[ImagePrefix.Length..]) is { } problem
            ? $"'{path}' does not name a store image: {problem}"
            : null;

    /// <summary>What makes a path unusable on any host (a control character such as NUL), or null.</summary>
    public static string? Problem(string path)
    {
        return SpecRules.ControlCharacter(path) is { } c
            ? $"the path contains the control character U+{(int)c:X4}; a path cannot hold control characters"
            : null;
    }

    /// <summary>Absolute paths and image references stay; relative paths resolve against the config's folder.</summary>
    public static string Resolve(string path, string baseDirectory) =>
        IsImageReference(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));
}
