using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Cpus;

/// <summary>xl's vCPU commands: vcpu-list (QEMU's vCPUs and their host threads), vcpu-set and vcpu-pin (in the VM's queue).</summary>
internal sealed class VcpuService(VmManager vms)
{
    /// <summary>The VM's vCPUs: its QEMU's, with their threads' host CPU, state, time and affinity; while it has none, its spec's.</summary>
    public async Task<Result<IReadOnlyList<VcpuRow>>> ListAsync(string name, CancellationToken ct)
    {
        Result<VmActor> found = vms.Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmActor a = found.Value;
        VmRecord r = a.Record;
        string host = ThreadStats.HostCpus();
        if (a.Pid is not { } pid || a.Qmp is not { } qmp)
        {
            string affinity = r.Spec.CpuAffinity ?? "all";
            return Result.Ok<IReadOnlyList<VcpuRow>>([.. Enumerable.Range(0, r.Spec.Vcpus).Select(i => new VcpuRow(r.Name, null, i, null, "---", 0, affinity))]);
        }

        IReadOnlyList<RunningVcpu> vcpus;
        try
        {
            vcpus = await qmp.QueryVcpusAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException or TimeoutException)
        {
            return HospesError.Unavailable($"{r.Name}: its QEMU did not say which vCPUs it runs ({e.Message}); try again");
        }

        return Result.Ok<IReadOnlyList<VcpuRow>>([.. vcpus.Select(v => Row(r, pid, v, host))]);
    }

    public Task<Result<VmRecord>> SetAsync(string name, int count) => Run(name, new VcpuSetCommand(vms.Quotas, count));

    public Task<Result<VmRecord>> PinAsync(string name, int? vcpu, string cpus) => Run(name, new VcpuPinCommand(vcpu, cpus));

    private static VcpuRow Row(VmRecord r, int pid, RunningVcpu v, string hostCpus)
    {
        ThreadStat? t = ThreadStats.Read(pid, v.ThreadId);
        string state = r.State == VmState.Paused ? "--p" : t?.State == 'R' ? "r--" : "-b-";
        string affinity = t is null ? "" : t.Affinity == hostCpus ? "all" : t.Affinity;
        return new VcpuRow(r.Name, r.DomId, v.Index, t?.Cpu, state, t?.CpuSeconds ?? 0, affinity);
    }

    private async Task<Result<VmRecord>> Run(string name, VmCommand<VmRecord> command)
    {
        Result<VmActor> found = vms.Find(name);
        return found.IsOk ? await found.Value.RunAsync(command).ConfigureAwait(false) : found.Error;
    }
}
