using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Memory;

internal sealed partial class MemoryService
{
    /// <summary>Rounds above the give-back line before memory flows back, so a brief recovery does not flap balloons.</summary>
    private const int CalmRoundsBeforeGiveBack = 3;

    /// <summary>
    /// Under pressure (available below the reserve): shrink the balloons of the guests with the most memory they do not
    /// use, never below what each uses plus a margin, until the host is back between its reserve and the give-back line.
    /// Otherwise give memory back: first to guests that run short themselves, then, once the host has been calm for a
    /// few rounds, to everyone the policy held down. A guest whose balloon does not follow is left alone.
    /// </summary>
    private async Task BalanceAsync(IReadOnlyList<VmActor> running)
    {
        HostMemorySample host = _reader.Read();
        long reserve = _settings.ReserveBytes(host.TotalBytes);
        long giveBackLine = reserve + Math.Clamp(reserve / 4, 256 * Mib, 1024 * Mib);
        List<VmActor> movable = [.. running.Where(a => a.Record.State == VmState.Running && a.Memory is { Balloon: BalloonState.Active, TargetMib: not null, GuestUsedBytes: not null })];
        if (host.AvailableBytes < reserve)
        {
            _calmRounds = 0;
            // Balloons still inflating will free what they hold above their targets: count it before asking for more,
            // and let each guest reach its target before it is squeezed again.
            long inflating = movable.Sum(v => Math.Max(0, (v.Memory.ActualBytes ?? 0) - (v.Memory.TargetMib!.Value * Mib)));
            long need = ((reserve + giveBackLine) / 2) - host.AvailableBytes - inflating;
            string reason = $"host memory low: {host.AvailableBytes / Mib} MiB available, reserve {reserve / Mib} MiB";
            foreach (VmActor vm in movable.Where(v => !Moving(v)).OrderByDescending(Reclaimable))
            {
                long step = Math.Min(Math.Min(Reclaimable(vm), need), Math.Max(64 * Mib, vm.Memory.TargetMib!.Value * Mib / 4));
                if (need <= 0 || step < 16 * Mib)
                {
                    continue;
                }

                need -= await MoveAsync(vm, vm.Memory.TargetMib!.Value - (int)(step / Mib), reason).ConfigureAwait(false) * -Mib;
            }

            if (need > 0 && !_pressureReported && !movable.Any(Moving))
            {
                _pressureReported = true;
                LogPressureUnrelieved(host.AvailableBytes / Mib, reserve / Mib, need / Mib);
            }

            return;
        }

        _pressureReported = false;
        _calmRounds = host.AvailableBytes > giveBackLine ? _calmRounds + 1 : 0;
        long budget = host.AvailableBytes - reserve;
        foreach (VmActor vm in movable.Where(v => v.Memory.TargetMib < Ceiling(v)).OrderBy(v => v.Memory.Stats?.AvailableBytes ?? 0))
        {
            int target = vm.Memory.TargetMib!.Value;
            long available = vm.Memory.Stats?.AvailableBytes ?? 0;
            bool shortOfMemory = available < Math.Max(32 * Mib, target * Mib / 8);
            bool calm = _calmRounds >= CalmRoundsBeforeGiveBack;
            int step = Math.Min(Ceiling(vm) - target, Math.Max(64, Ceiling(vm) / 4));
            if (!(shortOfMemory || calm) || step * Mib > budget - (calm && !shortOfMemory ? giveBackLine - reserve : 0))
            {
                continue;
            }

            string reason = shortOfMemory
                ? $"guest short of memory: {available / Mib} MiB available in it"
                : $"host memory recovered: {host.AvailableBytes / Mib} MiB available";
            long moved = await MoveAsync(vm, target + step, reason).ConfigureAwait(false);
            budget -= moved * Mib;
        }
    }

    /// <summary>Sets a new target through the VM's queue; returns by how many MiB it grew (negative: shrank).</summary>
    private async Task<long> MoveAsync(VmActor vm, int to, string reason)
    {
        int from = vm.Memory.TargetMib ?? to;
        Result<int> set = await vm.PolicyTargetAsync(to, reason).ConfigureAwait(false);
        if (!set.IsOk || set.Value == from)
        {
            return 0;
        }

        Note(vm, from, set.Value, reason);
        return set.Value - from;
    }

    /// <summary>True while the balloon is still on its way to the target.</summary>
    private static bool Moving(VmActor vm) => Math.Abs((vm.Memory.ActualBytes ?? 0) - (vm.Memory.TargetMib!.Value * Mib)) > 8 * Mib;

    /// <summary>What the guest could give back now: its target above what it uses plus the margin.</summary>
    private static long Reclaimable(VmActor vm) =>
        Math.Max(0, ((long)vm.Memory.TargetMib!.Value - VmActor.FloorMib(vm.Memory.GuestUsedBytes)) * Mib);

    private static int Ceiling(VmActor vm) => Math.Min(vm.Record.Spec.MemoryMib, vm.Memory.BootedMib ?? vm.Record.Spec.MemoryMib);
}
