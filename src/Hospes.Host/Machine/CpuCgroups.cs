using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hospes.Core.Errors;

namespace Hospes.Host.Machine;

/// <summary>
/// xl's credit scheduler on Linux: each VM's QEMU runs in a CPU cgroup of its own, <c>hospes-ID/UUID</c>, whose weight
/// and quota are the VM's cpu_weight and cpu_cap. cgroup v2 (cpu.weight, cpu.max) or v1 (cpu.shares,
/// cpu.cfs_quota_us), whichever has the cpu controller, found once. ID is this hospesd's state dir, so two hospesd on
/// one host never touch each other's groups. Made when QEMU starts, removed when it ends, leftovers swept at start.
/// </summary>
internal sealed class CpuCgroups
{
    /// <summary>Xen's default weight; cpu_weight = 256 is the cgroup's default share.</summary>
    public const int DefaultWeight = 256;

    public const int PeriodUs = 100_000;

    private static readonly ConcurrentDictionary<string, CpuCgroups> Known = new(StringComparer.Ordinal);
    private readonly Lazy<(CgroupKind Kind, string Root, string? Problem)> _found;

    public CpuCgroups(string stateDir, string mounts = "/proc/self/mounts")
    {
        _found = new(() => Find(mounts, stateDir));
    }

    /// <summary>The groups of the hospesd of this state dir (the host's mounts read once).</summary>
    public static CpuCgroups For(string stateDir) => Known.GetOrAdd(stateDir, d => new CpuCgroups(d));

    public CgroupKind Kind => _found.Value.Kind;

    /// <summary>Why weights and caps cannot be enforced here, or null when they can.</summary>
    public string? Problem => _found.Value.Problem;

    /// <summary>This hospesd's parent group (hospes-ID), or null without a usable cpu controller.</summary>
    public string? Root => _found.Value.Problem is null ? _found.Value.Root : null;

    public string? GroupOf(Guid vm) => Root is { } root ? Path.Combine(root, vm.ToString("N")) : null;

    /// <summary>
    /// Moves a QEMU (every thread) into its VM's group, made with the weight and cap. <paramref name="qmpSocket"/>: the
    /// process must name it on its command line, so a pid that is not this VM's QEMU is never moved.
    /// </summary>
    public Result<bool> Place(Guid vm, int pid, string qmpSocket, int? weight, int? cap)
    {
        if (GroupOf(vm) is not { } dir)
        {
            return HospesError.Unavailable($"cannot enforce cpu_weight/cpu_cap: {Problem}");
        }

        if (!CommandLineNames(pid, qmpSocket))
        {
            return HospesError.Unavailable($"process {pid} is not the QEMU of {qmpSocket}");
        }

        try
        {
            if (Kind == CgroupKind.V2)
            {
                EnsureV2Parent();
            }

            Directory.CreateDirectory(dir);
            Result<bool> set = Set(vm, weight, cap);
            if (!set.IsOk)
            {
                RemoveDir(dir);
                return set;
            }

            Write(Path.Combine(dir, "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveDir(dir);
            return HospesError.Unavailable($"cannot put QEMU (pid {pid}) in CPU cgroup {dir}: {e.Message}");
        }
    }

    /// <summary>Sets a running VM's weight (null: Xen's 256) and cap (null or 0: none; else % of one CPU).</summary>
    public Result<bool> Set(Guid vm, int? weight, int? cap)
    {
        if (GroupOf(vm) is not { } dir || !Directory.Exists(dir))
        {
            return HospesError.Unavailable($"cannot enforce cpu_weight/cpu_cap: {Problem ?? "its QEMU has no CPU cgroup (started by a hospesd without one); restart it"}");
        }

        try
        {
            if (Kind == CgroupKind.V2)
            {
                Write(Path.Combine(dir, "cpu.weight"), V2Weight(weight ?? DefaultWeight).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Write(Path.Combine(dir, "cpu.max"), V2Max(cap));
            }
            else
            {
                Write(Path.Combine(dir, "cpu.shares"), V1Shares(weight ?? DefaultWeight).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Write(Path.Combine(dir, "cpu.cfs_period_us"), PeriodUs.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Write(Path.Combine(dir, "cpu.cfs_quota_us"), V1Quota(cap).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable($"cannot set the CPU weight or cap in {dir}: {e.Message}");
        }
    }

    /// <summary>Removes a VM's group once its QEMU has ended (an exiting process may linger a moment).</summary>
    public void Remove(Guid vm)
    {
        if (GroupOf(vm) is { } dir)
        {
            RemoveDir(dir);
        }
    }

    /// <summary>After start-up: removes the groups of VMs whose QEMU is gone (hospesd was killed meanwhile).</summary>
    public IReadOnlyList<string> Sweep(IReadOnlySet<Guid> running)
    {
        var gone = new List<string>();
        if (Root is not { } root || !Directory.Exists(root))
        {
            return gone;
        }

        foreach (string dir in Directory.EnumerateDirectories(root))
        {
            if (Guid.TryParseExact(Path.GetFileName(dir), "N", out Guid vm) && running.Contains(vm))
            {
                continue;
            }

            if (RemoveDir(dir))
            {
                gone.Add(dir);
            }
        }

        return gone;
    }

    /// <summary>When hospesd stops: its parent group goes if no QEMU is left in it.</summary>
    public void RemoveRootIfEmpty()
    {
        if (Root is { } root && Directory.Exists(root) && !Directory.EnumerateDirectories(root).Any())
        {
            RemoveDir(root);
        }
    }

    public static int V1Shares(int weight) => Math.Clamp(weight * 4, 2, 262_144);

    public static int V2Weight(int weight) => Math.Clamp((int)Math.Round(weight * 100.0 / DefaultWeight), 1, 10_000);

    public static long V1Quota(int? cap) => cap is > 0 ? (long)cap.Value * PeriodUs / 100 : -1;

    public static string V2Max(int? cap) => cap is > 0 ? $"{(long)cap.Value * PeriodUs / 100} {PeriodUs}" : $"max {PeriodUs}";

    /// <summary>The hierarchy with the cpu controller, from the mount table; cgroup v2 first (hosts mostly have it).</summary>
    internal static (CgroupKind Kind, string Root, string? Problem) Find(string mounts, string stateDir)
    {
        string id = "hospes-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDir))))[..12];
        string[] lines;
        try
        {
            lines = File.ReadAllLines(mounts);
        }
        catch (IOException e)
        {
            return (CgroupKind.None, "", $"cannot read {mounts}: {e.Message}");
        }

        string? v1 = null;
        string? v2 = null;
        foreach (string line in lines)
        {
            string[] f = line.Split(' ');
            if (f.Length < 4)
            {
                continue;
            }

            if (f[2] == "cgroup2" && v2 is null && File.Exists(Path.Combine(f[1], "cgroup.controllers"))
                && File.ReadAllText(Path.Combine(f[1], "cgroup.controllers")).Split(' ', StringSplitOptions.TrimEntries).Contains("cpu"))
            {
                v2 = f[1];
            }
            else if (f[2] == "cgroup" && f[3].Split(',').Contains("cpu"))
            {
                v1 = f[1];
            }
        }

        string? problem = Environment.IsPrivilegedProcess ? null : "hospesd does not run as root, so it cannot make CPU cgroups";
        if (v2 is not null)
        {
            return (CgroupKind.V2, Path.Combine(v2, id), problem);
        }

        if (v1 is not null)
        {
            return (CgroupKind.V1, Path.Combine(v1, id), problem);
        }

        return (CgroupKind.None, "", "this host has no cgroup hierarchy with the cpu controller (neither cgroup v2 with cpu in cgroup.controllers nor a v1 'cpu' mount); mount one, e.g. `mount -t cgroup -o cpu cgroup /sys/fs/cgroup/cpu`");
    }

    // cgroup v2: a group's children get the cpu controller only when every ancestor hands it down.
    private void EnsureV2Parent()
    {
        string root = Root!;
        string top = Path.GetDirectoryName(root)!;
        string topControl = Path.Combine(top, "cgroup.subtree_control");
        if (!File.ReadAllText(topControl).Split(' ', StringSplitOptions.TrimEntries).Contains("cpu"))
        {
            Write(topControl, "+cpu");
        }

        Directory.CreateDirectory(root);
        string control = Path.Combine(root, "cgroup.subtree_control");
        if (!File.ReadAllText(control).Split(' ', StringSplitOptions.TrimEntries).Contains("cpu"))
        {
            Write(control, "+cpu");
        }
    }

    private static bool CommandLineNames(int pid, string text)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(text, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool RemoveDir(string dir)
    {
        for (int i = 0; i < 20; i++)
        {
            try
            {
                Directory.Delete(dir);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (IOException) when (i < 19 && IsEmpty(dir))
            {
                // The process has exited but is not yet released from the group.
                Thread.Sleep(50);
            }
            catch (IOException)
            {
                return false;
            }
        }

        return false;
    }

    // A group still holding a process (a QEMU running on) is kept.
    private static bool IsEmpty(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim().Length == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Write(string file, string value)
    {
        using var f = new FileStream(file, FileMode.Open, FileAccess.Write);
        byte[] bytes = Encoding.ASCII.GetBytes(value);
        f.Write(bytes);
    }
}

/// <summary>Which cgroup version holds the cpu controller.</summary>
internal enum CgroupKind
{
    None,
    V1,
    V2,
}
