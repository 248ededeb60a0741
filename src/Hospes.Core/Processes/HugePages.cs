using System.Runtime.InteropServices;

namespace Hospes.Core.Processes;

/// <summary>
/// Starts a process with transparent huge pages off for its whole life (prctl PR_SET_THP_DISABLE, which a child keeps
/// through fork and execve). The flag is the starting process's own: it is set only around the start, and every start
/// that goes through <see cref="Start{T}"/> waits its turn, so no other start inherits it by chance.
/// </summary>
/// <remarks>
/// For a fork's QEMU (issue 16): QEMU asks for huge pages on TCG's translation cache (madvise), so a fork that has
/// translated a few MiB more holds whole 2 MiB pages of it: measured 16 MiB against 8 MiB between forks of one parent.
/// With small pages it holds what it wrote. Guest RAM of a fork is a file's pages (and 4 KiB copies), unaffected.
/// </remarks>
public static class HugePages
{
    private const int SetThpDisable = 41;
    private const int GetThpDisable = 42;
    private static readonly Lock Gate = new();

    /// <summary>Runs <paramref name="start"/> (which starts a process) with huge pages off when <paramref name="off"/>.</summary>
    public static T Start<T>(bool off, Func<T> start)
    {
        lock (Gate)
        {
            if (!off)
            {
                return start();
            }

            int before = Prctl(GetThpDisable, 0, 0, 0, 0);
            if (before < 0 || Prctl(SetThpDisable, 1, 0, 0, 0) != 0)
            {
                // A kernel without the prctl (before 3.15): the process starts as any other.
                return start();
            }

            try
            {
                return start();
            }
            finally
            {
                _ = Prctl(SetThpDisable, (nuint)before, 0, 0, 0);
            }
        }
    }

    /// <summary>Whether process <paramref name="pid"/> runs with huge pages off ("THP_enabled: 0" in its status).</summary>
    public static bool OffFor(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").Any(l => l.StartsWith("THP_enabled:", StringComparison.Ordinal) && l.EndsWith('0'));
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
