using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Core.Processes;

/// <summary>
/// A handle on one process (pidfd, Linux 5.3+). A pid is reused once its process is gone, so a signal sent by pid
/// can hit a stranger; a signal sent through the handle reaches the process it was opened on, or nobody.
/// </summary>
public sealed class PidFd : IDisposable
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    private const short PollIn = 0x1;
    private readonly SafeFileHandle _fd;

    private PidFd(int pid, SafeFileHandle fd)
    {
        Pid = pid;
        _fd = fd;
    }

    public int Pid { get; }

    /// <summary>True once the process has ended (a zombie counts as ended).</summary>
    public bool HasExited
    {
        get
        {
            var p = new PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = PollIn };
            return Poll(ref p, 1, 0) > 0 && (p.Revents & PollIn) != 0;
        }
    }

    /// <summary>A handle on process <paramref name="pid"/>, or null when no such process exists.</summary>
    public static PidFd? Open(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        int fd = PidfdOpen(pid, 0);
        return fd < 0 ? null : new PidFd(pid, new SafeFileHandle(fd, ownsHandle: true));
    }

    /// <summary>Sends <paramref name="signal"/> to this process; false when it has ended.</summary>
    public bool Signal(int signal) => PidfdSendSignal((int)_fd.DangerousGetHandle(), signal, IntPtr.Zero, 0) == 0;

    /// <summary>Waits until the process has ended, at most <paramref name="limit"/>; true when it has.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        long start = time.GetTimestamp();
        while (!HasExited)
        {
            if (time.GetElapsedTime(start) > limit)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct).ConfigureAwait(false);
        }

        return true;
    }

    public void Dispose() => _fd.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // Blittable signatures: no marshalling code, so no unsafe blocks are needed in this assembly.
    [DllImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PidfdOpen(int pid, uint flags);

    [DllImport("libc", EntryPoint = "pidfd_send_signal", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PidfdSendSignal(int pidfd, int signal, IntPtr info, uint flags);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Poll(ref PollFd fds, nuint count, int timeout);
}
