using System.Globalization;
using System.Runtime.InteropServices;

namespace Hospes.Qemu.Launch;

/// <summary>What /proc says about a process; enough to supervise QEMUs that are not our children.</summary>
public static partial class ProcFs
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    private static readonly long ClockTicks = 100;

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        string? state = StatField(pid, 0);
        return state is not null && state != "Z" && state != "X";
    }

    /// <summary>The process's arguments, or empty if it is gone.</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>User + system CPU time of the whole process (all threads), in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        string? utime = StatField(pid, 11);
        string? stime = StatField(pid, 12);
        if (utime is null || stime is null)
        {
            return 0;
        }

        return (long.Parse(utime, CultureInfo.InvariantCulture) + long.Parse(stime, CultureInfo.InvariantCulture)) / (double)ClockTicks;
    }

    /// <summary>
    /// Proportional resident memory (Pss, /proc/PID/smaps_rollup) in bytes: pages shared with other processes (KSM, the
    /// same libraries) count by share, so it adds up across guests where RSS would count shared pages again.
    /// </summary>
    public static long? ProportionalBytes(int pid) => Rollup(pid).Pss;

    /// <summary>
    /// Pss and Anonymous of /proc/PID/smaps_rollup in bytes, in one read (the kernel walks every mapping for it). Anonymous
    /// is what the process holds of its own, not pages of files it maps: for a fork, which maps its fork point's RAM file
    /// privately, the pages it wrote (copied on write) and QEMU's own heap and translation cache, what it really costs.
    /// </summary>
    public static (long? Pss, long? Anonymous) Rollup(int pid)
    {
        long? pss = null, anonymous = null;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    pss = Kib(line, "Pss:".Length);
                }
                else if (line.StartsWith("Anonymous:", StringComparison.Ordinal))
                {
                    anonymous = Kib(line, "Anonymous:".Length);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return (pss, anonymous);
    }

    private static long Kib(string line, int from) => long.Parse(line[from..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;

    /// <summary>True when any of the given threads is on a CPU or runnable right now (xl's 'r' rather than 'b').</summary>
    public static bool AnyThreadRunnable(int pid, IEnumerable<int> threadIds)
    {
        foreach (int tid in threadIds)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
                int close = stat.LastIndexOf(')');
                if (close > 0 && close + 2 < stat.Length && stat[close + 2] == 'R')
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return false;
    }

    /// <summary>Resident memory of the process in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        string? rss = StatField(pid, 21);
        return rss is null ? 0 : long.Parse(rss, CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Field <paramref name="index"/> of /proc/pid/stat counted from the state field (0) after the command name.</summary>
    private static string? StatField(int pid, int index)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may contain spaces and parentheses: fields start after the last ')'.
        int close = stat.LastIndexOf(')');
        string[] fields = stat[(close + 2)..].Split(' ');
        return index < fields.Length ? fields[index] : null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
