using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// A save or restore that hospesd's death cut off, finished or undone at the next start from what the state DB holds
/// and what QEMU says, so that neither the guest nor its save file is lost:
/// - a save in flight (state as before, SavePath set): a stream that completes makes the VM saved; one that never
///   started or failed is undone (the file goes, the guest continues as it was); a guest running again means it was undone already;
/// - a restore in flight (state saved, SavePath set, a pid): a guest that runs was restored; any other QEMU ends and
///   the VM is saved in its file again, so `hospes restore FILE` (or `hospes start`) works again.
/// </summary>
internal static class SaveReconcile
{
    public static bool IsSaving(VmRecord r) => r.SavePath is not null && r.State is VmState.Running or VmState.Paused;

    public static bool IsRestoring(VmRecord r) => r.SavePath is not null && r.State == VmState.Saved;

    /// <summary>The VM's QEMU is gone: a save it was writing may be incomplete, and is left where it is.</summary>
    public static string GoneDuringSave(VmRecord r, string why) => $"{why}; it was being saved to {r.SavePath}, which may be incomplete";

    /// <summary>Finishes or undoes the save or restore of a VM whose QEMU (in <paramref name="status"/>) was just re-attached.</summary>
    public static async Task ApplyAsync(VmSession vm, QemuRunState status, FileStreams streams, ILogger log)
    {
        VmRecord r = vm.Record;
        string path = r.SavePath!;
        IQmp qmp = vm.Qmp!;
        if (IsRestoring(r))
        {
            if (status == QemuRunState.Running)
            {
                vm.Commit(r with { State = VmState.Running, SavePath = null });
                return;
            }

            // The guest has not run since the save: the file still holds it, and the disks match it. (PostMigrate: a save
            // recorded as done whose QEMU hospesd had not ended yet.)
            await vm.StopQemuAsync().ConfigureAwait(false);
            string? why = status == QemuRunState.PostMigrate ? r.LastError : $"hospesd stopped during the restore; `hospes restore {path}` continues it";
            vm.Commit(GuestEvents.Stopped(r, VmState.Saved, why));
            return;
        }

        bool completed = status switch
        {
            QemuRunState.PostMigrate => true,

            // The guest ran on: the save was undone before hospesd stopped.
            QemuRunState.Running => false,
            _ => await StreamCompletedAsync(qmp, streams).ConfigureAwait(false),
        };
        if (completed)
        {
            await vm.StopQemuAsync().ConfigureAwait(false);
            vm.Commit(GuestEvents.Stopped(r, VmState.Saved));
            VmLog.Saved(log, r.Name, path, File.Exists(path) ? new FileInfo(path).Length : 0);
            return;
        }

        File.Delete(path);
        if (r.State == VmState.Running && status != QemuRunState.Running)
        {
            await qmp.ContAsync().ConfigureAwait(false);
        }

        vm.Commit(r with { SavePath = null, LastError = $"the save to {path} was cut off when hospesd stopped; the guest continues" });
    }

    /// <summary>Follows a stream QEMU still writes to its end; false when it never started or failed.</summary>
    private static async Task<bool> StreamCompletedAsync(IQmp qmp, FileStreams streams)
    {
        MigrationStatus s = await qmp.QueryMigrateAsync().ConfigureAwait(false);
        if (s.Status is "none" or "" || s.IsFailed)
        {
            return false;
        }

        return s.IsCompleted || (await streams.WaitAsync(qmp).ConfigureAwait(false)).IsCompleted;
    }
}
