using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;

namespace Hospes.Host.Vms.Sched;

/// <summary>
/// `hospes sched-credit -d VM -w WEIGHT -c CAP` (xl sched-credit): the VM's cpu_weight and cpu_cap, set in its QEMU's
/// CPU cgroup at once while it runs, and kept in its spec for every start. Nothing changes when the cgroup refuses.
/// </summary>
internal sealed class SchedCreditCommand(int? weight, int? cap) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Hotplug;

    public override string? Verb => "sched-credit";

    /// <summary>What is wrong with the values whatever the VM's state, or null.</summary>
    public static HospesError? Check(string name, int? weight, int? cap)
    {
        if (weight is < 1 or > VmSpecValidator.MaxCpuWeight)
        {
            return HospesError.Invalid($"sched-credit {name}: weight {weight} is out of range; give 1 to {VmSpecValidator.MaxCpuWeight} (256 is Xen's default)");
        }

        if (cap is < 0)
        {
            return HospesError.Invalid($"sched-credit {name}: cap {cap} is out of range; give a percentage of one CPU (100 = one full CPU, 200 = two) or 0 for no cap");
        }

        return weight is null && cap is null ? HospesError.Invalid($"sched-credit {name}: nothing to set; give a weight (-w 512) or a cap (-c 50)") : null;
    }

    protected override Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        int? newWeight = weight ?? r.Spec.CpuWeight;
        int? newCap = cap is null ? r.Spec.CpuCap : cap == 0 ? null : cap;
        if (vm.Qemu is not null)
        {
            Result<bool> set = vm.Cgroups.Set(r.Uuid, newWeight, newCap);
            if (!set.IsOk)
            {
                return Task.FromResult<Result<VmRecord>>(set.Error with { Message = $"{r.Name}: {set.Error.Message}" });
            }
        }

        return Task.FromResult<Result<VmRecord>>(vm.Commit(r with { Spec = r.Spec with { CpuWeight = newWeight, CpuCap = newCap } }));
    }
}
