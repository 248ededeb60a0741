using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hospes.Host.Settings;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// Where RAM files live and when they go. A forkable VM's QEMU keeps its RAM in <c>ROOT/UUID.ram</c> (shared); a fork
/// point moves it to <c>ROOT/fork-ID/ram</c> beside the device state (<c>state</c>), and every VM that maps it names it in
/// its record (<see cref="VmRecord.RamFile"/>). An entry of the root that no VM names (and no launch or fork holds) is
/// deleted by <see cref="Sweep"/>: at start, after a fork or a delete, and every few seconds.
/// </summary>
/// <remarks>
/// The root is on tmpfs (/dev/shm, else the run dir) and root's alone (0700): QEMU opens the file as root before it
/// drops to the VM's uid (-run-with), so no uid of any guest, not even the forks', can open another's memory later.
/// QEMU creates the file 0644; the folder keeps everyone else out.
/// </remarks>
internal sealed class ForkRam(HostOptions options)
{
    public const string RamName = "ram";
    public const string StateName = "state";
    private const string ForkPrefix = "fork-";
    private const string OwnSuffix = ".ram";

    private readonly ConcurrentDictionary<string, int> _held = new(StringComparer.Ordinal);

    /// <summary>Per state dir, so several hospesd on one host never sweep each other's files.</summary>
    public string Root { get; } = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : options.EffectiveRunDir,
        "hospes",
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(options.StateDir))))[..16]);

    /// <summary>A forkable VM's own shared RAM file.</summary>
    public string OwnFile(Guid uuid) => Path.Combine(Root, uuid.ToString("N") + OwnSuffix);

    public string ForkDir(Guid forkId) => Path.Combine(Root, ForkPrefix + forkId.ToString("N"));

    /// <summary>Whether <paramref name="ramFile"/> is a fork's (mapped privately), not a VM's own (shared).</summary>
    public static bool IsForkRam(string ramFile) =>
        Path.GetFileName(ramFile) == RamName && Path.GetFileName(Path.GetDirectoryName(ramFile))?.StartsWith(ForkPrefix, StringComparison.Ordinal) == true;

    public static string StateFile(string ramFile) => Path.Combine(Path.GetDirectoryName(ramFile)!, StateName);

    /// <summary>Makes the root (and /dev/shm/hospes) root's alone.</summary>
    public void EnsureRoot()
    {
        string parent = Path.GetDirectoryName(Root)!;
        foreach (string dir in (string[])[parent, Root])
        {
            Directory.CreateDirectory(dir);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    /// <summary>
    /// Removes this state dir's folder on tmpfs when nothing is left in it: hospesd stops and no running VM maps a file
    /// there. A folder still in use stays; /dev/shm/hospes stays too (other hospesd on this host may be making theirs).
    /// </summary>
    public void RemoveRootIfEmpty()
    {
        try
        {
            Directory.Delete(Root);
        }
        catch (IOException)
        {
            // not empty, or gone already
        }
    }

    /// <summary>Keeps <paramref name="path"/> (a RAM file or fork folder) from the sweep until disposed: a launch or fork under way.</summary>
    public IDisposable Hold(string path)
    {
        _held.AddOrUpdate(path, 1, (_, n) => n + 1);
        return new Held(this, path);
    }

    /// <summary>Deletes every entry of the root that no record names and nobody holds; the paths deleted.</summary>
    public IReadOnlyList<string> Sweep(IEnumerable<VmRecord> records)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var named = records.Select(r => r.RamFile).OfType<string>().ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<string> gone = Unreferenced(Directory.EnumerateFileSystemEntries(Root), named, _held.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (string path in gone)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // Taken again meanwhile, or gone already: the next sweep looks again.
            }
        }

        return gone;
    }

    /// <summary>
    /// The refcount: an own file counts while a record names it, a fork folder while a record names its ram file (a
    /// fork, the parent continued on it, or a VM saved at its fork point); a held path counts too.
    /// </summary>
    public static IReadOnlyList<string> Unreferenced(IEnumerable<string> entries, IReadOnlySet<string> named, IReadOnlySet<string> held) =>
        [.. entries.Where(e => !Counted(e, named) && !Counted(e, held))
            .Where(e => Path.GetFileName(e).StartsWith(ForkPrefix, StringComparison.Ordinal) || e.EndsWith(OwnSuffix, StringComparison.Ordinal))];

    private static bool Counted(string entry, IReadOnlySet<string> paths) => paths.Contains(entry) || paths.Contains(Path.Combine(entry, RamName));

    private sealed class Held(ForkRam ram, string path) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                ram._held.AddOrUpdate(path, 0, (_, n) => n - 1);
                ram._held.TryRemove(new KeyValuePair<string, int>(path, 0));
            }
        }
    }
}
