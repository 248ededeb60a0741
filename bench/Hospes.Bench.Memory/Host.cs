using System.Globalization;

namespace Hospes.Bench.Memory;

/// <summary>What /proc and /sys say about the host and about one process.</summary>
internal static class HostStats
{
    /// <summary>Linux reports process CPU times in USER_HZ, which is 100 on every architecture Hospes runs on.</summary>
    public const double ClockTicksPerSecond = 100;

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

    /// <summary>utime + stime of a process (all its threads) in clock ticks; null once it is gone.</summary>
    public static long? CpuTicks(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");

            // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Rss in KiB of a QEMU's guest RAM (the anonymous mapping exactly <paramref name="guestMib"/> in size) and of TCG's
    /// translation cache (the mapping of <paramref name="tbMib"/>, QEMU's default 1 GiB for 0, less its guard page), from
    /// /proc/PID/smaps. Null once the process is gone.
    /// </summary>
    public static (long GuestRamKib, long TcgCacheKib)? RssBreakdown(int pid, int guestMib, int tbMib)
    {
        long tcgKib = (tbMib > 0 ? tbMib : 1024) * 1024L;
        long guest = 0, tcg = 0, size = 0;
        bool anonymous = false;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (IsMappingHeader(line))
                {
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    anonymous = f.Length < 6 || f[5].StartsWith("/memfd:", StringComparison.Ordinal);
                }
                else if (line.StartsWith("Size:", StringComparison.Ordinal))
                {
                    size = SecondField(line);
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal) && anonymous)
                {
                    if (size == guestMib * 1024L)
                    {
                        guest += SecondField(line);
                    }
                    else if (size <= tcgKib && size >= tcgKib - 64)
                    {
                        tcg += SecondField(line);
                    }
                }
            }

            return (guest, tcg);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The -accel argument on a QEMU's command line, e.g. "tcg,tb-size=32"; "" when absent or gone.</summary>
    public static string AccelArgument(int pid)
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            int i = Array.IndexOf(argv, "-accel");
            return i >= 0 && i + 1 < argv.Length ? argv[i + 1] : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>TCG's translation cache size a QEMU was given (tb-size=N in -accel), 0 for QEMU's default.</summary>
    public static int TbSizeMib(int pid)
    {
        string accel = AccelArgument(pid);
        int at = accel.IndexOf("tb-size=", StringComparison.Ordinal);
        return at < 0 ? 0 : int.Parse(new string([.. accel[(at + 8)..].TakeWhile(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);
    }

    public static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>QEMU processes whose command line mentions <paramref name="needle"/>.</summary>
    public static List<int> Qemus(string needle)
    {
        var pids = new List<int>();
        foreach (string d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                string cmd = File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains("qemu-system", StringComparison.Ordinal) && cmd.Contains(needle, StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    /// <summary>"7fc9a3e00000-7fc9c3e00000 rw-p 00000000 00:00 0   [path]": an address range, then permissions.</summary>
    private static bool IsMappingHeader(string line)
    {
        int dash = line.IndexOf('-', StringComparison.Ordinal), space = line.IndexOf(' ', StringComparison.Ordinal);
        return dash > 0 && space > dash && line[..dash].All(char.IsAsciiHexDigit) && line[(dash + 1)..space].All(char.IsAsciiHexDigit);
    }

    private static long SecondField(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>/sys/kernel/mm/ksm: read, and reset to the host's default before a density run (hospesd then manages it).</summary>
internal sealed record KsmState(string Run, long PagesToScan, long SleepMs, long PagesSharing, long PagesShared)
{
    private const string Dir = "/sys/kernel/mm/ksm";

    public double SavedMib => PagesSharing * 4.0 / 1024;

    public string RunText => Run switch
    {
        "0" => "0 (stopped)",
        "1" => "1 (running)",
        "2" => "2 (unmerge)",
        _ => Run,
    };

    public static KsmState Read() => !Directory.Exists(Dir)
        ? new KsmState("absent", 0, 0, 0, 0)
        : new KsmState(Text("run"), Number("pages_to_scan"), Number("sleep_millisecs"), Number("pages_sharing"), Number("pages_shared"));

    /// <summary>
    /// KSM as a host boots with it: stopped, 100 pages per 20 ms. Whatever ran before (a test daemon killed before it
    /// could restore KSM) may have left it on, and hospesd leaves a KSM it finds running to the administrator.
    /// run = 0 stops ksmd but keeps pages already merged (they are freed with their QEMUs).
    /// </summary>
    public static void ResetToDefault()
    {
        if (!Directory.Exists(Dir))
        {
            return;
        }

        File.WriteAllText(Path.Combine(Dir, "run"), "0");
        File.WriteAllText(Path.Combine(Dir, "pages_to_scan"), "100");
        File.WriteAllText(Path.Combine(Dir, "sleep_millisecs"), "20");
    }

    private static string Text(string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(Dir, file)).Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static long Number(string file) => long.TryParse(Text(file), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;
}
