using System.Globalization;

namespace Hospes.Testing.Bench;

/// <summary>What /proc says about the host's memory and about one process's.</summary>
public static class ProcFs
{
    /// <summary>A /proc/meminfo line in MiB; <paramref name="key"/> without its colon ("MemAvailable").</summary>
    public static long MemInfoMib(string key)
    {
        string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>Rss and Pss of a process in KiB, from /proc/PID/smaps_rollup; null once it is gone.</summary>
    public static (long RssKib, long PssKib)? SmapsRollup(int pid)
    {
        try
        {
            long rss = 0, pss = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    rss = SecondField(line);
                }
                else if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    pss = SecondField(line);
                }
            }

            return (rss, pss);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The number in "Key:   1234 kB".</summary>
    public static long SecondField(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
