namespace Hospes.Config;

/// <summary>
/// Bounds on what a config may make the reader do. Configs come from users and from files found elsewhere; xl configs
/// are a few KiB with lists one level deep, so these bounds are far above any real file and far below harm.
/// </summary>
public static class ConfigLimits
{
    /// <summary>The longest config read (in characters): about 50 times the largest config seen.</summary>
    public const int MaxChars = 256 * 1024;

    /// <summary>How deep lists may nest: xl uses a list of strings; a list of lists is still read (and reported by its key).</summary>
    public const int MaxListDepth = 2;

    /// <summary>How many problems one read reports; a file with more is not the file its author meant.</summary>
    public const int MaxDiagnostics = 100;
}
