using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    private static readonly TimeSpan SnapshotLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Runs a snapshot step in the VM's queue, so no start or stop can come in between: a QMP job in the
    /// running QEMU, or <paramref name="offline"/> (qemu-img on the disks) while it has no QEMU.
    /// </summary>
    public Task<Result<bool>> RunSnapshotAsync(string action, string tag, Func<IQmp, IReadOnlyList<string>, Task> job, Func<Task<Result<bool>>> offline) =>
        EnqueueAsync<bool>(async () =>
        {
            if (Record.State == VmState.Saved)
            {
                return NotAllowed($"{action} snapshot '{tag}' of");
            }

            if (_qemu is null)
            {
                return await offline().ConfigureAwait(false);
            }

            if (Record.State is not (VmState.Running or VmState.Paused))
            {
                return NotAllowed($"{action} snapshot '{tag}' of");
            }

            try
            {
                await job(_qemu.Qmp, SnapshotNodes(Record.Spec)).WaitAsync(SnapshotLimit).ConfigureAwait(false);
                return true;
            }
            catch (QmpException e)
            {
                return HospesError.Unavailable($"{Record.Name}: cannot {action} snapshot '{tag}': {e.Description}");
            }
        });

    /// <summary>QEMU node names of the disks a snapshot covers: every writable disk (drive{index}, as the command line names them).</summary>
    public static IReadOnlyList<string> SnapshotNodes(VmSpec spec) =>
        [.. spec.Disks.Select((d, i) => (d, i)).Where(x => !x.d.ReadOnly && x.d.DeviceType == DiskDeviceType.Disk && x.d.Target.Length > 0).Select(x => $"drive{x.i}")];
}
