using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// After hospesd (re)starts: a VM whose QEMU still runs is re-attached without the guest noticing; what happened
/// while hospesd was away (power-off, panic, QEMU death) is applied now.
/// </summary>
internal sealed class ReconcileCommand(IQemuLauncher launcher, Balloons balloons, NetworkService networks, FileStreams streams, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Any;

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        VmRuntimePaths paths = vm.Paths;
        IQemuProcess? q = r.Pid is { } pid
            ? await launcher.AttachAsync(pid, paths, CancellationToken.None).ConfigureAwait(false)
            : null;
        if (q is null && r.Pid is { } old && File.Exists(vm.LegacyPaths.QmpSocket))
        {
            // Started by a hospesd that named sockets by a uuid prefix: attach by those names until that QEMU ends.
            paths = vm.LegacyPaths;
            q = await launcher.AttachAsync(old, paths, CancellationToken.None).ConfigureAwait(false);
        }

        // A migration was in flight when hospesd died (its journal is there): the migration floor settles it with the
        // other host once every VM is attached. Until then nothing here stops, restarts or continues this guest: a
        // crash policy or a QEMU killed as "a save cut off" could run it twice or lose it.
        // A fork of it was under way (its journal is there) and it was not yet saved at the fork point: the same (ForkService.SettleAsync).
        bool migrating = File.Exists(vm.MigrationJournal) || (File.Exists(vm.ForkJournal) && r.State != VmState.Saved);
        if (q is null)
        {
            // This VM's QEMU is gone: its sockets (named by this VM's uuid) are leftovers it could not remove itself.
            if (r.Pid is not null)
            {
                launcher.RemoveRuntimeFiles(vm.Paths);
            }

            if (migrating)
            {
                vm.Commit(GuestEvents.Stopped(r, r.State is VmState.Running or VmState.Paused ? VmState.Crashed : r.State, $"QEMU (pid {r.Pid}) was gone when hospesd started, during a migration"));
            }
            else if (r.State is VmState.Running or VmState.Paused or VmState.Preserved)
            {
                string why = $"QEMU (pid {r.Pid}) was gone when hospesd started{vm.QemuLogTail()}";
                if (SaveReconcile.IsSaving(r))
                {
                    why = SaveReconcile.GoneDuringSave(r, why);
                }

                vm.Commit(GuestEvents.Stopped(r, VmState.Crashed, why) with { SavePath = null });
                await vm.Guest.ApplyAsync(vm, GuestEvents.Kind.Crash, why).ConfigureAwait(false);
            }
            else if (r.Pid is not null)
            {
                vm.Commit(GuestEvents.Stopped(r, r.State));
            }

            return vm.Record;
        }

        IReadOnlyList<int> threads = await q.Qmp.QueryVcpuThreadsAsync(ct).ConfigureAwait(false);
        vm.Attach(q, threads, paths == vm.Paths ? null : paths);

        await balloons.ReattachAsync(q.Qmp, r).ConfigureAwait(false);

        // A network brought down and up again while hospesd was away has lost its ports; put the taps back.
        _ = await networks.AttachAsync(r.Spec, CancellationToken.None).ConfigureAwait(false);
        QemuRunState status = await q.Qmp.QueryStatusAsync(ct).ConfigureAwait(false);
        VmLog.Reattached(log, r.Name, q.Pid, status);
        if (migrating)
        {
            vm.Commit(r with { State = status == QemuRunState.Running ? VmState.Running : VmState.Paused });
            return vm.Record;
        }

        if (SaveReconcile.IsSaving(r) || SaveReconcile.IsRestoring(r))
        {
            await SaveReconcile.ApplyAsync(vm, status, streams, log).ConfigureAwait(false);
            return vm.Record;
        }

        switch (status)
        {
            case QemuRunState.Running:
                vm.Commit(r with { State = VmState.Running });
                break;
            case QemuRunState.Paused when r.State != VmState.Crashed:
                vm.Commit(r with { State = r.State == VmState.Preserved ? VmState.Preserved : VmState.Paused });
                break;
            case QemuRunState.Shutdown when r.State != VmState.Preserved:
                // The guest powered off while hospesd was away; QEMU waited for us.
                await vm.Guest.ApplyAsync(vm, GuestEvents.Kind.Poweroff).ConfigureAwait(false);
                break;
            case QemuRunState.GuestPanicked when r.State != VmState.Crashed:
                await vm.Guest.ApplyAsync(vm, GuestEvents.Kind.Crash, "the guest kernel panicked while hospesd was not running").ConfigureAwait(false);
                break;
            case QemuRunState.PostMigrate or QemuRunState.InMigrate:
                // A save or restore was cut off by hospesd's death: the save file (if recorded) holds the guest.
                await vm.StopQemuAsync().ConfigureAwait(false);
                vm.Commit(GuestEvents.Stopped(r, r.SavePath is null ? VmState.Crashed : VmState.Saved, r.SavePath is null ? "hospesd died during save or restore" : r.LastError));
                break;
        }

        return vm.Record;
    }
}
