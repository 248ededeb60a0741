using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Sched;

namespace Hospes.Host.Edge;

/// <summary>xl sched-credit: a VM's CPU weight and cap.</summary>
public sealed partial class VmsApi
{
    public Result<SchedCreditInfo> SchedCredit(string name) => ResultMap.Map(_vms.Find(name), SchedInfo);

    public async Task<Result<SchedCreditInfo>> SetSchedCreditAsync(string name, SchedCreditRequest request, CancellationToken ct)
    {
        if (SchedCreditCommand.Check(name, request?.Weight, request?.Cap) is { } refused)
        {
            return refused;
        }

        Result<VmActor> actor = _vms.Find(name);
        if (!actor.IsOk)
        {
            return actor.Error;
        }

        Result<VmRecord> done = await actor.Value.RunAsync(new SchedCreditCommand(request!.Weight, request.Cap), ct).ConfigureAwait(false);
        return done.IsOk ? SchedInfo(actor.Value) : done.Error;
    }

    private static SchedCreditInfo SchedInfo(VmActor a)
    {
        VmRecord r = a.Record;
        return new SchedCreditInfo
        {
            Name = r.Name,
            Id = a.Pid is null ? null : r.DomId,
            Weight = r.Spec.CpuWeight ?? CpuCgroups.DefaultWeight,
            Cap = r.Spec.CpuCap ?? 0,
        };
    }
}
