using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Storage;

/// <summary>
/// One snapshot step in the VM's queue, so no start or stop can come in between: a QMP job in the running QEMU, or
/// <paramref name="offline"/> (qemu-img on the disks) while it has no QEMU. <paramref name="refusePlugged"/>: a snapshot
/// with the guest's state is refused while the QEMU has hot-plugged devices (its revert could not load them).
/// </summary>
internal sealed class SnapshotCommand(
    string action,
    string tag,
    Func<IQmp, IReadOnlyList<string>, Task> job,
    Func<Task<Result<bool>>> offline,
    bool refusePlugged = false) : IVmCommand<bool>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public VmAction Action => VmAction.Snapshot;

    public string Verb => $"{action} snapshot '{tag}' of";

    /// <summary>QEMU node names of the disks a snapshot covers: every writable disk.</summary>
    public static IReadOnlyList<string> Nodes(VmSpec spec) =>
        [.. spec.Disks.Select((d, i) => (d, i)).Where(x => StoreVms.IsWritableDisk(x.d)).Select(x => QemuNames.DiskNode(x.i))];

    public async Task<Result<bool>> RunAsync(IVmSession vm, CancellationToken ct)
    {
        if (vm.Qmp is not { } qmp)
        {
            return await offline().ConfigureAwait(false);
        }

        if (refusePlugged && await HotplugGuard.RefuseAsync(vm.Record, qmp, "snapshotted", ct).ConfigureAwait(false) is { } plugged)
        {
            return plugged;
        }

        try
        {
            await job(qmp, Nodes(vm.Record.Spec)).WaitAsync(Limit, ct).ConfigureAwait(false);
            return true;
        }
        catch (QmpException e)
        {
            return HospesError.Unavailable($"{vm.Record.Name}: cannot {action} snapshot '{tag}': {e.Description}");
        }
    }
}
