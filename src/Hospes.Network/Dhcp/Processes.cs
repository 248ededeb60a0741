using System.Runtime.InteropServices;

namespace Hospes.Network.Dhcp;

/// <summary>Enough of /proc and kill(2) to supervise a daemon that is not our child.</summary>
internal static partial class Processes
{
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>The process's arguments; empty when it is gone or a zombie (a zombie has no command line).</summary>
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

    /// <summary>
    /// True once the process has ended: no longer in /proc, or a zombie. Its command line empties earlier, while
    /// it is still exiting, so that alone does not mean it has let go of its sockets.
    /// </summary>
    public static bool HasEnded(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
