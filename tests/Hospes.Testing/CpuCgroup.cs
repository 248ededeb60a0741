using System.Security.Cryptography;
using System.Text;

namespace Hospes.Testing;

/// <summary>
/// The CPU cgroups hospesd makes for its QEMUs (Host/Vms/Sched/CpuCgroups): hospes-ID/UUID in the hierarchy with the
/// cpu controller, ID from the state dir. What a test reads and what a killed daemon leaves behind are found here.
/// </summary>
public static class CpuCgroup
{
    /// <summary>The daemon's parent group (it may not exist).</summary>
    public static string Root(Daemon d)
    {
        string id = "hospes-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(d.StateDir))))[..12];
        return Path.Combine(Hierarchy(), id);
    }

    /// <summary>The VM's group under the daemon's parent group.</summary>
    public static string Of(Daemon d, Guid vm) => Path.Combine(Root(d), vm.ToString("N"));

    /// <summary>Whether this host's cpu controller is cgroup v2's (cpu.weight, cpu.max) rather than v1's (cpu.shares, cpu.cfs_quota_us).</summary>
    public static bool IsV2 => Hierarchy() is var h && File.Exists(Path.Combine(h, "cgroup.controllers"));

    /// <summary>The mount point of the hierarchy with the cpu controller, as hospesd finds it.</summary>
    public static string Hierarchy()
    {
        string? v1 = null;
        foreach (string line in File.ReadAllLines("/proc/self/mounts"))
        {
            string[] f = line.Split(' ');
            if (f.Length < 4)
            {
                continue;
            }

            string controllers = Path.Combine(f[1], "cgroup.controllers");
            if (f[2] == "cgroup2" && File.Exists(controllers) && File.ReadAllText(controllers).Split(' ', StringSplitOptions.TrimEntries).Contains("cpu"))
            {
                return f[1];
            }

            if (f[2] == "cgroup" && f[3].Split(',').Contains("cpu"))
            {
                v1 ??= f[1];
            }
        }

        return v1 ?? throw new InvalidOperationException("this host has no cgroup hierarchy with the cpu controller");
    }

    /// <summary>Removes what a daemon killed without its goodbye left (its QEMUs killed too): empty groups only.</summary>
    public static void RemoveLeftovers(Daemon d)
    {
        string root;
        try
        {
            root = Root(d);
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (string dir in Directory.EnumerateDirectories(root).Append(root))
        {
            for (int i = 0; i < 20; i++)
            {
                try
                {
                    Directory.Delete(dir);
                    break;
                }
                catch (IOException)
                {
                    // A killed QEMU leaves its group a moment later.
                    Thread.Sleep(50);
                }
            }
        }
    }
}
