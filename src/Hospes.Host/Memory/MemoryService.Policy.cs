using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;

namespace Hospes.Host.Memory;

internal sealed partial class MemoryService
{
    /// <summary>One round of the balance policy: the guests whose balloons follow targets, planned, then moved.</summary>
    private async Task BalanceAsync(IReadOnlyList<IVm> running)
    {
        HostMemorySample host = _reader.Read();
        long reserve = _settings.ReserveBytes(host.TotalBytes);
        var actors = new Dictionary<string, IVm>(StringComparer.Ordinal);
        var guests = new List<PolicyGuest>();
        foreach (IVm vm in running)
        {
            VmMemoryState m = _balloons.Of(vm);
            if (vm.Record.State != VmState.Running || m is not { Balloon: BalloonState.Active, TargetMib: { } target, GuestUsedBytes: { } used })
            {
                continue;
            }

            int ceiling = Math.Min(vm.Record.Spec.MemoryMib, m.BootedMib ?? vm.Record.Spec.MemoryMib);
            actors[vm.Record.Name] = vm;
            guests.Add(new PolicyGuest(vm.Record.Name, target, ceiling, Math.Min(Balloons.FloorMib(used), ceiling), m.ActualBytes ?? target * Mib, m.Stats?.AvailableBytes ?? 0));
        }

        PolicyPlan plan = BalancePlanner.Plan(host.AvailableBytes, reserve, _calmRounds, guests);
        _calmRounds = plan.CalmRounds;
        foreach (PolicyMove move in plan.Moves)
        {
            Result<int> set = await actors[move.Name].RunAsync(new PolicyTargetCommand(_balloons, move.ToMib, move.Reason)).ConfigureAwait(false);
            if (set.IsOk && set.Value != move.FromMib)
            {
                Note(actors[move.Name], move.FromMib, set.Value, move.Reason);
            }
        }

        if (plan.UnrelievedBytes > 0 && !_pressureReported)
        {
            LogPressureUnrelieved(host.AvailableBytes / Mib, reserve / Mib, plan.UnrelievedBytes / Mib);
        }

        _pressureReported = host.AvailableBytes < reserve && (_pressureReported || plan.UnrelievedBytes > 0);
    }
}
