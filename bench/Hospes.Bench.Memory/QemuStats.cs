using System.Globalization;
using Hospes.Testing.Bench;

namespace Hospes.Bench.Memory;

/// <summary>What /proc says about one QEMU: its CPU time, how its Rss splits, the accelerator it was given.</summary>
internal static class QemuStats
{
    /// <summary>Linux reports process CPU times in USER_HZ, which is 100 on every architecture Hospes runs on.</summary>
    public const double ClockTicksPerSecond = 100;

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
                    size = ProcFs.SecondField(line);
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal) && anonymous)
                {
                    if (size == guestMib * 1024L)
                    {
                        guest += ProcFs.SecondField(line);
                    }
                    else if (size <= tcgKib && size >= tcgKib - 64)
                    {
                        tcg += ProcFs.SecondField(line);
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

    /// <summary>"7fc9a3e00000-7fc9c3e00000 rw-p 00000000 00:00 0   [path]": an address range, then permissions.</summary>
    private static bool IsMappingHeader(string line)
    {
        int dash = line.IndexOf('-', StringComparison.Ordinal), space = line.IndexOf(' ', StringComparison.Ordinal);
        return dash > 0 && space > dash && line[..dash].All(char.IsAsciiHexDigit) && line[(dash + 1)..space].All(char.IsAsciiHexDigit);
    }
}
