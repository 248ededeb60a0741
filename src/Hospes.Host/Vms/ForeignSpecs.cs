using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Settings;
using Hospes.Host.State;

namespace Hospes.Host.Vms;

/// <summary>
/// The host's policy for a VM spec it did not read from root's own config file: a migration's offer, a save file's
/// header. Such a spec may use the store (images, named volumes), the disks this host makes for it and Hospes networks;
/// other host paths, block devices, host bridges and PCI devices only as hospesd.conf allows (migration.allow_*).
/// </summary>
internal static class ForeignSpecs
{
    public static VmSpecPolicy Policy(HostOptions options, IReadOnlyList<NetworkRecord> networks, string origin, IReadOnlyCollection<string>? hostMadeDisks = null) => new()
    {
        Origin = origin,
        PathRoots = [options.ImagesDir, Path.Combine(options.StateDir, "disks"), Path.Combine(options.StateDir, "templates"), .. options.AllowPaths],
        HostBridges = options.AllowBridges,
        PciDevices = options.AllowPci,
        Networks = [.. networks.Select(n => n.Name), .. networks.Select(n => n.Bridge)],
        HostMadeDisks = hostMadeDisks ?? [],
        Paths = HostPathInspector.Instance,
    };

    /// <summary>The validator's verdict on <paramref name="spec"/> under the foreign policy: null when it may be used.</summary>
    public static HospesError? Check(VmSpec spec, HostOptions options, IReadOnlyList<NetworkRecord> networks, string origin, IReadOnlyCollection<string>? hostMadeDisks = null) =>
        VmSpecValidator.Check(spec, Policy(options, networks, origin, hostMadeDisks));
}

/// <summary>What a path is on this host: every symbolic link and '..' resolved as the kernel does, and its kind.</summary>
internal sealed class HostPathInspector : IHostPaths
{
    public static readonly HostPathInspector Instance = new();

    private const int MaxLinks = 40;

    public HostPathInfo Inspect(string path)
    {
        string real = RealPath(path);
        HostPathKind kind;
        if (Directory.Exists(real))
        {
            kind = HostPathKind.Directory;
        }
        else if (!File.Exists(real))
        {
            kind = HostPathKind.Missing;
        }
        else if (real.StartsWith("/dev/", StringComparison.Ordinal))
        {
            // Device nodes live in /dev (only root can make one elsewhere); /sys/class/block lists the block ones.
            kind = File.Exists(Path.Combine("/sys/class/block", Path.GetFileName(real), "dev")) ? HostPathKind.BlockDevice : HostPathKind.CharacterDevice;
        }
        else
        {
            kind = HostPathKind.File;
        }

        return new HostPathInfo(real, kind);
    }

    /// <summary>
    /// The path with every link followed component by component ('..' applies to what a link led to, as in the
    /// kernel), so a name that looks inside a folder but leads out of it is seen where it leads.
    /// </summary>
    public static string RealPath(string path)
    {
        var pending = new Stack<string>((Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path)).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        string current = "/";
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            string next = current == "/" ? "/" + part : current + "/" + part;
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                target = null;
            }

            if (target is null || ++links > MaxLinks)
            {
                current = next;
                continue;
            }

            if (target.StartsWith('/'))
            {
                current = "/";
            }

            foreach (string t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(t);
            }
        }

        return current;
    }
}
