using System.Runtime.InteropServices;
using Hospes.Host.Cluster.Ha;

namespace Hospes.Host.Ha;

/// <summary>What hospesd and its fence guard both read of the machine: CLOCK_BOOTTIME, a process's start time, SIGKILL.</summary>
internal static partial class GuardProcs
{
    private const int ClockBoottime = 7;
    public const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Milliseconds on CLOCK_BOOTTIME: one clock for both processes, which also runs through a suspend (as etcd's lease does, on other hosts).</summary>
    public static long NowMs() => ClockGettime(ClockBoottime, out Timespec t) == 0
        ? (t.Seconds * 1000) + (t.Nanoseconds / 1_000_000)
        : throw new InvalidOperationException($"clock_gettime(CLOCK_BOOTTIME) failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>The start time of a live process (field 22 of /proc/PID/stat); null when it is gone or a zombie.</summary>
    public static long? StartOf(int pid)
    {
        try
        {
            return FenceGuardDecisions.StartTime(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL to a pid; false when it is gone (or not ours to signal).</summary>
    public static bool Kill(int pid) => Signal(pid, SigKill);

    public static bool Signal(int pid, int signal) => pid > 0 && KillPid(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGettime(int clock, out Timespec time);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillPid(int pid, int signal);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
