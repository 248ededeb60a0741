using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Memory;

internal sealed partial class MemoryService
{
    /// <summary>
    /// Admission control: a VM may start if the host's committed memory stays within the overcommit ratio and the host
    /// can hold the guest's working set now, on top of what running guests actually use, keeping its reserve.
    /// The working set is estimated from this host's running guests (see <see cref="WorkingSet"/>).
    /// </summary>
    public Result<MemoryReservation> Admit(VmRecord vm, int ramMib)
    {
        // Committed is the RAM QEMU is given (-m: maxmem when it is above memory): a guest that never loads its balloon
        // driver, or deflates it, uses all of it (#14). What it uses now is estimated from memory, its balloon target.
        long memory = (long)ramMib * Mib;
        long present = (long)Math.Min(vm.Spec.MemoryMib, ramMib) * Mib;
        lock (_admitGate)
        {
            HostMemorySample host = _reader.Read();
            List<Commitment> running = Commitments(exclude: vm.Uuid);
            long committed = Committed(vm.Uuid, running);

            // A fork (its record names a fork point's RAM file) commits what it will write, not its RAM (ForkCosts), and
            // its file only when no VM that runs or starts maps that file yet.
            var fork = new Commitment(vm.RamFile, memory, null);
            long fileBytes = memory;
            long own = memory;
            if (fork.IsFork)
            {
                own = ForkCosts.Estimate(running, memory);
                bool fileStarting = _starting.Any(s => s.Key != vm.Uuid && string.Equals(s.Value.ForkFile, vm.RamFile, StringComparison.Ordinal));
                memory = ForkCosts.Adds(running, fork, fileStarting);
                present = Math.Min(present, memory);
            }

            long limit = (long)(host.TotalBytes * _settings.OvercommitRatio);
            long reserve = _settings.ReserveBytes(host.TotalBytes);
            long starting = StartingBytes(vm.Uuid, running, needs: true);
            long canHold = host.AvailableBytes - reserve - starting;
            (long needs, double? share) = fork.IsFork ? (memory, null) : WorkingSet(present);
            string? refusal = null;
            if (committed + memory > limit)
            {
                refusal = $"cannot start {vm.Name}: its {memory / Mib} MiB would commit {(committed + memory) / Mib} MiB, past this host's limit of "
                    + $"{limit / Mib} MiB ({host.TotalBytes / Mib} MiB RAM × overcommit ratio {_settings.OvercommitRatio:0.##}; {committed / Mib} MiB committed now). "
                    + $"Stop a VM, lower a VM's memory with `hospes mem-set`, or raise memory.overcommit_ratio in hospesd's settings";
            }
            else if (needs > canHold)
            {
                string estimate = share is { } f ? $" (of its {present / Mib} MiB: guests here hold {f:P0} of their memory at the median, + 25 %)" : "";
                refusal = $"cannot start {vm.Name}: the host cannot hold it now: it needs about {needs / Mib} MiB{estimate}; {host.AvailableBytes / Mib} MiB available"
                    + (starting > 0 ? $", {starting / Mib} MiB promised to VMs that are starting" : "")
                    + $", {reserve / Mib} MiB kept for the host (memory.reserve_mib) leaves {Math.Max(0, canHold) / Mib} MiB. "
                    + $"Stop a VM, start this one with less memory, or free memory on the host";
            }

            if (refusal is not null)
            {
                LogAdmissionRefused(refusal);
                return HospesError.Unavailable(refusal);
            }

            _starting[vm.Uuid] = fork.IsFork ? (own, own, vm.RamFile, fileBytes) : (memory, needs, null, 0);
            return new MemoryReservation(() => _starting.TryRemove(vm.Uuid, out _));
        }
    }

    /// <summary>
    /// What a guest of <paramref name="memory"/> is expected to take from the host: the share of their memory that this
    /// host's running guests' QEMUs hold (median, once at least three run; RSS, so QEMU's own memory is in it) plus a
    /// quarter, at most the whole memory. With fewer guests to learn from, the whole memory. The balance policy and the
    /// guests' free page reporting keep real use near it; the reserve absorbs the rest.
    /// </summary>
    private (long Bytes, double? Share) WorkingSet(long memory)
    {
        double[] shares = [.. _vms.All.Select(a => (_balloons.Of(a).HostRssBytes, Mib: Math.Min(a.Record.Spec.MemoryMib, _balloons.Of(a).BootedMib ?? 0)))
            .Where(x => x.HostRssBytes > 0 && x.Mib > 0)
            .Select(x => x.HostRssBytes!.Value / (double)(x.Mib * Mib))
            .Order()];
        if (shares.Length < 3)
        {
            return (memory, null);
        }

        double share = shares[shares.Length / 2];
        long bytes = (long)(memory * share * 1.25);
        return bytes >= memory ? (memory, null) : (bytes, share);
    }

    /// <summary>The memory of every VM with a QEMU (forks at what they really cost, see <see cref="ForkCosts"/>), and of VMs admitted but still starting.</summary>
    private long Committed(Guid? exclude) => Committed(exclude, Commitments(exclude));

    private long Committed(Guid? exclude, List<Commitment> running) => ForkCosts.Committed(running) + StartingBytes(exclude, running, needs: false);

    /// <summary>
    /// What the VMs admitted and still starting were promised (<paramref name="needs"/>: what they take from the host now;
    /// else what they commit): each its own, and each fork file that no running VM maps once, however many forks of it
    /// start at once (a frozen parent's forks: nothing runs on that file while the first ones start).
    /// </summary>
    private long StartingBytes(Guid? exclude, List<Commitment> running, bool needs)
    {
        var entries = _starting.Where(s => s.Key != exclude).Select(s => s.Value).ToList();
        long files = entries.Where(e => e.ForkFile is not null).GroupBy(e => e.ForkFile!, StringComparer.Ordinal)
            .Where(g => !running.Any(c => string.Equals(c.RamFile, g.Key, StringComparison.Ordinal)))
            .Sum(g => g.Max(e => e.FileBytes));
        return entries.Sum(e => needs ? e.Needs : e.Memory) + files;
    }

    /// <summary>Every VM with a QEMU that is not starting: its RAM file, what QEMU was given, what it holds privately.</summary>
    private List<Commitment> Commitments(Guid? exclude) =>
        [.. _vms.All.Where(a => a.Record.Uuid != exclude && a.Pid is not null && !_starting.ContainsKey(a.Record.Uuid))
            .Select(a => new Commitment(a.Record.RamFile, (long)(_balloons.Of(a).BootedMib ?? Math.Max(a.Record.Spec.MemoryMib, a.Record.Spec.MaxMemoryMib)) * Mib, _balloons.Of(a).HostPrivateBytes))];
}
