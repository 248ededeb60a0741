using System.Globalization;

namespace Hospes.Host.Memory;

/// <summary>The host's memory as hospesd may use it, in bytes.</summary>
/// <param name="TotalBytes">RAM, or the memory limit of hospesd's cgroup if that is lower (a container's host).</param>
/// <param name="AvailableBytes">What can be allocated without swapping: MemAvailable, or the cgroup's headroom if lower.</param>
/// <param name="CgroupLimitBytes">The cgroup limit that applies, if any.</param>
/// <param name="PressureAvg10">PSI: the share of the last 10 s in which some task waited for memory, in percent.</param>
public sealed record HostMemorySample(long TotalBytes, long AvailableBytes, long FreeBytes, long? CgroupLimitBytes, double? PressureAvg10);

/// <summary>Reads /proc/meminfo, hospesd's memory cgroup (v1 or v2) and /proc/pressure/memory.</summary>
public sealed class HostMemoryReader(string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
{
    private const long Unlimited = long.MaxValue / 2;

    public HostMemorySample Read()
    {
        Dictionary<string, long> info = ReadKeyed(Path.Combine(procRoot, "meminfo"), ':');
        long total = KiB(info, "MemTotal");
        long available = info.ContainsKey("MemAvailable") ? KiB(info, "MemAvailable") : KiB(info, "MemFree");
        long free = KiB(info, "MemFree");
        (long limit, long used)? cgroup = CgroupHeadroom();
        if (cgroup is { } c && c.limit < total)
        {
            total = c.limit;
            available = Math.Min(available, Math.Max(0, c.limit - c.used));
            free = Math.Min(free, available);
        }

        return new HostMemorySample(total, available, free, cgroup is { } g && g.limit < Unlimited ? g.limit : null, Pressure());
    }

    /// <summary>The tightest memory limit on hospesd's cgroup or its ancestors, and the working set charged there.</summary>
    private (long Limit, long Used)? CgroupHeadroom()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(procRoot, "self", "cgroup"));
        }
        catch (IOException)
        {
            return null;
        }

        bool v2 = File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"));
        foreach (string line in lines)
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (v2 && parts[0] == "0" && parts[1].Length == 0)
            {
                return Tightest(cgroupRoot, parts[2], "memory.max", "memory.current", "inactive_file");
            }

            if (!v2 && parts[1].Split(',').Contains("memory"))
            {
                return Tightest(Path.Combine(cgroupRoot, "memory"), parts[2], "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");
            }
        }

        return null;
    }

    private static (long, long)? Tightest(string mount, string path, string limitFile, string usageFile, string inactiveKey)
    {
        (long Limit, long Used)? best = null;
        string relative = path.Trim('/');
        while (true)
        {
            string dir = relative.Length == 0 ? mount : Path.Combine(mount, relative);
            if (ReadNumber(Path.Combine(dir, limitFile)) is { } limit && limit < Unlimited
                && ReadNumber(Path.Combine(dir, usageFile)) is { } usage)
            {
                long inactive = ReadKeyed(Path.Combine(dir, "memory.stat"), ' ').GetValueOrDefault(inactiveKey);
                long used = Math.Max(0, usage - inactive);
                if (best is null || limit - used < best.Value.Limit - best.Value.Used)
                {
                    best = (limit, used);
                }
            }

            if (relative.Length == 0)
            {
                return best;
            }

            int slash = relative.LastIndexOf('/');
            relative = slash < 0 ? "" : relative[..slash];
        }
    }

    private double? Pressure()
    {
        try
        {
            string some = File.ReadLines(Path.Combine(procRoot, "pressure", "memory")).FirstOrDefault(l => l.StartsWith("some ", StringComparison.Ordinal)) ?? "";
            string? avg = some.Split(' ').FirstOrDefault(p => p.StartsWith("avg10=", StringComparison.Ordinal));
            return avg is not null && double.TryParse(avg[6..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long KiB(Dictionary<string, long> info, string key) => info.GetValueOrDefault(key) * 1024;

    private static long? ReadNumber(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return text == "max" ? long.MaxValue : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"Key: 123 kB" or "key 123" lines; the first number after the key.</summary>
    private static Dictionary<string, long> ReadKeyed(string path, char separator)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                int at = line.IndexOf(separator, StringComparison.Ordinal);
                if (at <= 0)
                {
                    continue;
                }

                string number = line[(at + 1)..].Trim().Split(' ')[0];
                if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                {
                    values[line[..at].Trim()] = v;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return values;
    }
}
