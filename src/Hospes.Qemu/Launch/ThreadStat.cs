using System.Globalization;

namespace Hospes.Qemu.Launch;

/// <summary>One host thread as /proc sees it: the CPU it last ran on, its state letter, its CPU time, the CPUs it may use.</summary>
public sealed record ThreadStat(int Cpu, char State, double CpuSeconds, string Affinity);

/// <summary>Reads /proc/PID/task/TID (a vCPU thread of a QEMU): what `hospes vcpu-list` shows.</summary>
public static class ThreadStats
{
    private const double ClockTicks = 100;

    /// <summary>The thread's stat, or null when it is gone.</summary>
    public static ThreadStat? Read(int pid, int tid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");

            // The command name may hold spaces and parentheses: fields start after the last ')', state first (field 3).
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double seconds = (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / ClockTicks;
            int cpu = int.Parse(f[36], CultureInfo.InvariantCulture);
            string affinity = File.ReadLines($"/proc/{pid}/task/{tid}/status")
                .FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?[18..].Trim() ?? "";
            return new ThreadStat(cpu, f[0][0], seconds, affinity);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// How QEMU runs TCG vCPUs: a thread each ("CPU 1/TCG"), all on one round-robin thread ("ALL CPUs/TCG"), or not at
    /// all (KVM). QEMU names its threads so with debug-threads=on, which Hospes always sets.
    /// </summary>
    public static TcgThreads Tcg(int pid)
    {
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                string comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (comm.EndsWith("/TCG", StringComparison.Ordinal))
                {
                    return comm.StartsWith("ALL CPUs", StringComparison.Ordinal) ? TcgThreads.OneForAll : TcgThreads.OnePerVcpu;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return TcgThreads.None;
    }

    /// <summary>The host's online CPUs as a cpulist ("0-3"), to show "all" for a thread that may use every one.</summary>
    public static string HostCpus()
    {
        try
        {
            return File.ReadAllText("/sys/devices/system/cpu/online").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>How a QEMU runs its TCG vCPUs (<see cref="ThreadStats.Tcg"/>).</summary>
public enum TcgThreads
{
    /// <summary>Not TCG (KVM), or QEMU is gone.</summary>
    None,
    OnePerVcpu,

    /// <summary>Round-robin on one thread (-accel tcg,thread=single).</summary>
    OneForAll,
}
