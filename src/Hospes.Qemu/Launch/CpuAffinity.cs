using System.Globalization;
using System.Runtime.InteropServices;
using Hospes.Core.Errors;

namespace Hospes.Qemu.Launch;

/// <summary>Pins threads to host CPUs (xl's cpus=), given a cpulist such as "0-1,3".</summary>
public static partial class CpuAffinity
{
    public static Result<IReadOnlyList<int>> Parse(string cpuList)
    {
        var cpus = new SortedSet<int>();
        foreach (string part in cpuList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            if (range.Length is < 1 or > 2
                || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last)
                || last < first)
            {
                return HospesError.Invalid($"cpus '{cpuList}': '{part}' is not a CPU number or range like 0-3");
            }

            for (int c = first; c <= last; c++)
            {
                cpus.Add(c);
            }
        }

        return cpus.ToList();
    }

    public static Result<bool> Pin(int threadId, IReadOnlyList<int> cpus)
    {
        int max = cpus.Count == 0 ? 0 : cpus.Max();
        ulong[] mask = new ulong[(max / 64) + 1];
        foreach (int c in cpus)
        {
            mask[c / 64] |= 1UL << (c % 64);
        }

        if (SchedSetAffinity(threadId, (nuint)(mask.Length * sizeof(ulong)), mask) != 0)
        {
            return HospesError.Unavailable($"cannot pin thread {threadId} to CPUs {string.Join(',', cpus)}: errno {Marshal.GetLastPInvokeError()}");
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong[] mask);
}
