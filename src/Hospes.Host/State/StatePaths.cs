using Hospes.Core.Vms;

namespace Hospes.Host.State;

/// <summary>
/// How the state DB writes file paths: a path inside the state dir is stored relative to it ("disks/data.qcow2"), so
/// a state dir that is moved, copied or reached by another path still names its own files; a path outside (a config's
/// own disk, "image:NAME") is stored as it is. Rows are read back as absolute paths under the state dir of this run.
/// </summary>
internal sealed class StatePaths
{
    private const string ReferencePrefix = "image:";

    public StatePaths(string stateDir)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDir));
    }

    /// <summary>The state dir of this run, absolute, without a trailing slash.</summary>
    public string Root { get; }

    /// <summary>The form a path is written to the DB in: relative under the state dir, else unchanged.</summary>
    public string Stored(string path) => RelativeTo(Root, path) ?? path;

    /// <summary>The absolute path a stored path names in this run.</summary>
    public string Live(string stored) =>
        stored.Length == 0 || Path.IsPathRooted(stored) || stored.StartsWith(ReferencePrefix, StringComparison.Ordinal)
            ? stored
            : Path.Combine(Root, stored);

    /// <summary>A VM spec with the paths it names (kernel, ramdisk, disk files) in their stored form.</summary>
    public VmSpec Stored(VmSpec spec) => Map(spec, Stored);

    /// <summary>A VM spec as read from the DB, its paths absolute in this run.</summary>
    public VmSpec Live(VmSpec spec) => Map(spec, Live);

    /// <summary><paramref name="path"/> relative to <paramref name="root"/> when it lies inside it; else null.</summary>
    public static string? RelativeTo(string root, string path)
    {
        if (!Path.IsPathRooted(path))
        {
            return null;
        }

        string full = Path.GetFullPath(path);
        string prefix = root + "/";
        return full.StartsWith(prefix, StringComparison.Ordinal) && full.Length > prefix.Length ? full[prefix.Length..] : null;
    }

    private static VmSpec Map(VmSpec spec, Func<string, string> map) => spec with
    {
        Kernel = spec.Kernel is { } k ? map(k) : null,
        Ramdisk = spec.Ramdisk is { } r ? map(r) : null,
        Disks = [.. spec.Disks.Select(d => d with { Target = map(d.Target) })],
    };
}
