using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;

namespace Hospes.Host.Memory;

/// <summary>The balance policy moves a guest's target; refused unless its driver follows targets. The result is the target set.</summary>
internal sealed class PolicyTargetCommand(Balloons balloons, int mib, string? reason) : IVmCommand<int>
{
    public VmAction Action => VmAction.Any;

    public async Task<Result<int>> RunAsync(IVmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        VmMemoryState m = vm.Qmp is { } qmp ? balloons.Of(qmp) : VmMemoryState.None;
        if (vm.Qmp is null || r.State != VmState.Running || m.Balloon != BalloonState.Active)
        {
            return HospesError.State($"{r.Name}: its balloon does not follow targets now ({m.Balloon})");
        }

        int ceiling = Math.Min(r.Spec.MemoryMib, m.BootedMib ?? r.Spec.MemoryMib);
        int target = Math.Clamp(mib, Math.Min(Balloons.FloorMib(m.GuestUsedBytes), ceiling), ceiling);
        Result<bool> set = await balloons.SetTargetAsync(vm, target, target < ceiling ? reason : null).ConfigureAwait(false);
        return set.IsOk ? target : set.Error;
    }
}
