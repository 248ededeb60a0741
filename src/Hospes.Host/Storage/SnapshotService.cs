using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Qemu.Qmp;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

/// <summary>Internal qcow2 snapshots of a VM's writable disks: with qemu-img while it is stopped, through QMP jobs (memory included) while it runs.</summary>
internal sealed class SnapshotService(IVmDirectory vms, IQemuImg img)
{
    private static readonly TimeSpan JobLimit = TimeSpan.FromMinutes(10);

    public async Task<Result<IReadOnlyList<VmSnapshot>>> ListAsync(string vm, CancellationToken ct)
    {
        Result<(IVm Vm, List<DiskSpec> Disks)> target = SnapshotTarget(vm, "list snapshots of");
        if (!target.IsOk)
        {
            return target.Error;
        }

        var byName = new Dictionary<string, (VmSnapshot Info, List<string> Disks)>(StringComparer.Ordinal);
        foreach (DiskSpec d in target.Value.Disks)
        {
            // The format the VM's spec records, never probed: a guest writes this disk. Read shared: the VM may be running.
            Result<ImageFileInfo> info = await img.InfoAsync(d.Target, d.Format, ct).ConfigureAwait(false);
            if (!info.IsOk)
            {
                return info.Error;
            }

            foreach (ImageSnapshot s in info.Value.Snapshots)
            {
                if (!byName.TryGetValue(s.Name, out var entry))
                {
                    entry = (new VmSnapshot(s.Name, s.Date, s.VmStateSize, []), []);
                    byName[s.Name] = entry;
                }

                entry.Disks.Add(d.Vdev);
            }
        }

        return byName.Values.OrderBy(e => e.Info.CreatedAt).Select(e => e.Info with { Disks = e.Disks }).ToList();
    }

    public async Task<Result<VmSnapshot>> CreateAsync(string vm, string name, CancellationToken ct)
    {
        Result<(IVm Vm, List<DiskSpec> Disks)> target = SnapshotTarget(vm, "snapshot");
        if (!target.IsOk)
        {
            return target.Error;
        }

        if (Core.Vms.VmName.Validate(name) is { } problem)
        {
            return HospesError.Invalid($"snapshot name '{name}' is not valid: {problem}");
        }

        Result<IReadOnlyList<VmSnapshot>> existing = await ListAsync(vm, ct).ConfigureAwait(false);
        if (existing.IsOk && existing.Value.Any(s => s.Name == name))
        {
            return HospesError.Conflict($"{vm} already has a snapshot named '{name}'; choose another name or delete it first");
        }

        (IVm actor, List<DiskSpec> disks) = target.Value;
        Result<bool> done = await actor.RunAsync(new SnapshotCommand(
            "create",
            name,
            (qmp, nodes) => qmp.SnapshotSaveAsync(name, nodes[0], nodes, JobLimit, ct),
            () => OnEveryDiskAsync(actor, disks, d => img.SnapshotCreateAsync(d.Target, name, ct), d => img.SnapshotDeleteAsync(d.Target, name, ct)),
            refusePlugged: true), CancellationToken.None).ConfigureAwait(false);
        if (!done.IsOk)
        {
            return done.Error;
        }

        Result<IReadOnlyList<VmSnapshot>> after = await ListAsync(vm, ct).ConfigureAwait(false);
        return after.IsOk && after.Value.FirstOrDefault(s => s.Name == name) is { } made
            ? made
            : HospesError.Unavailable($"{vm}: the snapshot '{name}' was made but cannot be read back");
    }

    public async Task<Result<VmSnapshot>> RevertAsync(string vm, string name, CancellationToken ct)
    {
        Result<(IVm Vm, List<DiskSpec> Disks, VmSnapshot Snapshot)> found = await FindSnapshotAsync(vm, name, ct).ConfigureAwait(false);
        if (!found.IsOk)
        {
            return found.Error;
        }

        (IVm actor, List<DiskSpec> disks, VmSnapshot snapshot) = found.Value;
        Result<bool> done = await actor.RunAsync(new SnapshotCommand(
            "revert to",
            name,
            (qmp, nodes) => snapshot.VmStateBytes > 0
                ? qmp.SnapshotLoadAsync(name, nodes[0], nodes, JobLimit, ct)
                : throw new QmpException("snapshot-load", "NoVmState", $"it was taken while {vm} was stopped and holds no memory; shut {vm} down, then revert"),
            () => OnEveryDiskAsync(actor, disks, d => img.SnapshotApplyAsync(d.Target, name, ct), null)), CancellationToken.None).ConfigureAwait(false);
        if (!done.IsOk)
        {
            return done.Error;
        }

        return snapshot;
    }

    public async Task<Result<VmSnapshot>> DeleteAsync(string vm, string name, CancellationToken ct)
    {
        Result<(IVm Vm, List<DiskSpec> Disks, VmSnapshot Snapshot)> found = await FindSnapshotAsync(vm, name, ct).ConfigureAwait(false);
        if (!found.IsOk)
        {
            return found.Error;
        }

        (IVm actor, List<DiskSpec> disks, VmSnapshot snapshot) = found.Value;
        Result<bool> done = await actor.RunAsync(new SnapshotCommand(
            "delete",
            name,
            (qmp, nodes) => qmp.SnapshotDeleteAsync(name, nodes, JobLimit, ct),
            () => OnEveryDiskAsync(actor, disks, d => img.SnapshotDeleteAsync(d.Target, name, ct), null)), CancellationToken.None).ConfigureAwait(false);
        if (!done.IsOk)
        {
            return done.Error;
        }

        return snapshot;
    }

    private async Task<Result<(IVm Vm, List<DiskSpec> Disks, VmSnapshot Snapshot)>> FindSnapshotAsync(string vm, string name, CancellationToken ct)
    {
        Result<(IVm Vm, List<DiskSpec> Disks)> target = SnapshotTarget(vm, "use snapshots of");
        if (!target.IsOk)
        {
            return target.Error;
        }

        Result<IReadOnlyList<VmSnapshot>> list = await ListAsync(vm, ct).ConfigureAwait(false);
        if (!list.IsOk)
        {
            return list.Error;
        }

        VmSnapshot? s = list.Value.FirstOrDefault(x => x.Name == name);
        if (s is null)
        {
            return HospesError.NotFound($"{vm} has no snapshot named '{name}'; `hospes snapshot list {vm}` shows them");
        }

        if (s.Disks.Count != target.Value.Disks.Count)
        {
            return HospesError.State($"snapshot '{name}' of {vm} is on disks {string.Join(", ", s.Disks)} only, not on all of its disks; it cannot be used as a whole");
        }

        return (target.Value.Vm, target.Value.Disks, s);
    }

    private Result<(IVm Vm, List<DiskSpec> Disks)> SnapshotTarget(string vm, string action)
    {
        Result<IVm> found = vms.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var disks = found.Value.Record.Spec.Disks.Where(StoreVms.IsWritableDisk).ToList();
        if (disks.Count == 0)
        {
            return HospesError.State($"cannot {action} {vm}: it has no writable disk to hold a snapshot");
        }

        if (disks.FirstOrDefault(d => d.Format != "qcow2") is { } raw)
        {
            return HospesError.State($"cannot {action} {vm}: disk {raw.Vdev} ({raw.Target}) is {raw.Format}; snapshots need qcow2 (convert it with qemu-img, or make the VM from a store image)");
        }

        return (found.Value, disks);
    }

    /// <summary>Applies a qemu-img step to every disk of a stopped VM; on a failure undoes what it can.</summary>
    private static async Task<Result<bool>> OnEveryDiskAsync(IVm vm, List<DiskSpec> disks, Func<DiskSpec, Task<Result<bool>>> step, Func<DiskSpec, Task<Result<bool>>>? undo)
    {
        var done = new List<DiskSpec>();
        foreach (DiskSpec d in disks)
        {
            Result<bool> r = await step(d).ConfigureAwait(false);
            if (!r.IsOk)
            {
                if (undo is not null)
                {
                    foreach (DiskSpec back in done)
                    {
                        await undo(back).ConfigureAwait(false);
                    }
                }

                return HospesError.Unavailable($"{vm.Record.Name} disk {d.Vdev}: {r.Error.Message}");
            }

            done.Add(d);
        }

        return true;
    }
}
