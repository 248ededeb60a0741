using System.Globalization;

namespace Hospes.Bench.Memory;

/// <summary>
/// A memory cgroup that simulates a smaller host: hospesd is started inside it and its QEMUs (its children)
/// stay there. cgroup v2 (memory.max) when the unified hierarchy is mounted at /sys/fs/cgroup, else v1's
/// memory controller at /sys/fs/cgroup/memory (memory.limit_in_bytes).
/// </summary>
internal sealed class Cgroup
{
    private const string Root = "/sys/fs/cgroup";
    private readonly bool _v2;

    private Cgroup(string path, bool v2, long limitMib)
    {
        Path = path;
        _v2 = v2;
        LimitMib = limitMib;
    }

    public string Path { get; }

    public long LimitMib { get; }

    public string Version => _v2 ? "v2" : "v1";

    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    public static Cgroup Create(long limitMib)
    {
        string name = "hospes-bench-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]);
        long bytes = limitMib * 1024 * 1024;
        if (File.Exists(System.IO.Path.Combine(Root, "cgroup.controllers")))
        {
            string controllers = File.ReadAllText(System.IO.Path.Combine(Root, "cgroup.subtree_control"));
            if (!controllers.Split(' ', StringSplitOptions.TrimEntries).Contains("memory"))
            {
                File.WriteAllText(System.IO.Path.Combine(Root, "cgroup.subtree_control"), "+memory");
            }

            string path = Directory.CreateDirectory(System.IO.Path.Combine(Root, name)).FullName;
            File.WriteAllText(System.IO.Path.Combine(path, "memory.max"), bytes.ToString(CultureInfo.InvariantCulture));
            return new Cgroup(path, v2: true, limitMib);
        }

        string v1 = System.IO.Path.Combine(Root, "memory");
        if (!Directory.Exists(v1))
        {
            throw new InvalidOperationException($"no memory cgroup controller: neither {Root}/cgroup.controllers (v2) nor {v1} (v1) exists");
        }

        string dir = Directory.CreateDirectory(System.IO.Path.Combine(v1, name)).FullName;
        File.WriteAllText(System.IO.Path.Combine(dir, "memory.limit_in_bytes"), bytes.ToString(CultureInfo.InvariantCulture));
        return new Cgroup(dir, v2: false, limitMib);
    }

    /// <summary>Memory charged to the cgroup, MiB.</summary>
    public long UsageMib => ReadLong(_v2 ? "memory.current" : "memory.usage_in_bytes") / 1024 / 1024;

    /// <summary>What the cgroup could still take without reclaiming anything but inactive page cache: its MemAvailable.</summary>
    public long AvailableMib => LimitMib - UsageMib + (Stat(_v2 ? "inactive_file" : "total_inactive_file") / 1024 / 1024);

    /// <summary>OOM kills inside the cgroup so far (v2: memory.events; v1: memory.oom_control's oom_kill, kernel 4.13+).</summary>
    public long OomKills
    {
        get
        {
            try
            {
                string file = System.IO.Path.Combine(Path, _v2 ? "memory.events" : "memory.oom_control");
                string? line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>Removes the cgroup; it must be empty (every process in it gone) first.</summary>
    public async Task RemoveAsync()
    {
        for (int i = 0; i < 50; i++)
        {
            try
            {
                Directory.Delete(Path);
                return;
            }
            catch (IOException) when (i < 49)
            {
                await Task.Delay(200);
            }
        }
    }

    private long ReadLong(string file) => long.Parse(File.ReadAllText(System.IO.Path.Combine(Path, file)).Trim(), CultureInfo.InvariantCulture);

    private long Stat(string key)
    {
        string? line = File.ReadLines(System.IO.Path.Combine(Path, "memory.stat")).FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
