using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Cpus;

/// <summary>
/// `hospes vcpu-pin NAME VCPU|all CPUS|all` (xl vcpu-pin, hard affinity): the vCPU threads may run on these host CPUs
/// only. Pinning every vCPU is kept as the VM's cpus= (every start pins so); one vCPU alone lasts while its QEMU runs.
/// </summary>
internal sealed class VcpuPinCommand(int? vcpu, string cpus) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "vcpu-pin";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        int hostCpus = Environment.ProcessorCount;
        bool all = cpus.Trim().Equals("all", StringComparison.OrdinalIgnoreCase);
        var set = new SortedSet<int>();
        if (CpuList.Parse(cpus, hostCpus, set) is { } problem)
        {
            return HospesError.Invalid($"{r.Name}: CPUs '{cpus}' {problem}; give host CPUs such as 0-1,3, or all");
        }

        if (set.Max >= hostCpus)
        {
            return HospesError.Invalid($"{r.Name}: CPUs '{cpus}' names CPU {set.Max}, but this host has CPUs 0 to {hostCpus - 1}; choose among those");
        }

        if (vm.Qmp is not { } qmp)
        {
            if (vcpu is not null)
            {
                return HospesError.State($"cannot pin vCPU {vcpu} of {r.Name} alone: it is {r.State.ToString().ToLowerInvariant()}, and only a running guest's vCPU can be pinned by itself; pin all of them (`hospes vcpu-pin {r.Name} all {cpus}`), which is kept for its next start");
            }

            return vm.Commit(r with { Spec = r.Spec with { CpuAffinity = all ? null : CpuList.Format(set) } });
        }

        IReadOnlyList<RunningVcpu> vcpus = await qmp.QueryVcpusAsync(ct).ConfigureAwait(false);
        if (vcpu is { } one && !vcpus.Any(v => v.Index == one))
        {
            return HospesError.NotFound($"{r.Name} has no vCPU {one}; it has vCPUs 0 to {vcpus.Count - 1} (`hospes vcpu-list {r.Name}`)");
        }

        foreach (RunningVcpu v in vcpus.Where(v => vcpu is null || v.Index == vcpu))
        {
            Result<bool> pinned = CpuAffinity.Pin(v.ThreadId, [.. set]);
            if (!pinned.IsOk)
            {
                return pinned.Error;
            }
        }

        return vcpu is null ? vm.Commit(r with { Spec = r.Spec with { CpuAffinity = all ? null : CpuList.Format(set) } }) : r;
    }
}
