using System.Runtime.InteropServices;
using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Qemu.Launch;

/// <summary>Pins threads to host CPUs (xl's cpus=), given a cpulist such as "0-1,3".</summary>
public static partial class CpuAffinity
{
    /// <summary>The CPUs of a plain cpulist, bounded as every spec's is: "0-2147483647" is refused, not counted to the end.</summary>
    public static Result<IReadOnlyList<int>> Parse(string cpuList) =>
        CpuList.ParsePlain(cpuList) is { } cpus
            ? Result.Ok(cpus)
            : HospesError.Invalid($"cpus '{cpuList}' is not a list of host CPUs 0 to {CpuList.MaxCpus - 1} such as 0-3,6");

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
