using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Memory;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    /// <summary>
    /// After hospesd (re)starts: a VM whose QEMU still runs is re-attached without the guest noticing;
    /// what happened while hospesd was away (power-off, panic, QEMU death) is applied now.
    /// </summary>
    public Task<Result<VmRecord>> ReconcileAsync() => EnqueueAsync<VmRecord>(async () =>
    {
        VmRecord r = Record;
        IQemuProcess? q = r.Pid is { } pid
            ? await _ctx.Launcher.AttachAsync(pid, _ctx.Paths(r.Uuid), CancellationToken.None).ConfigureAwait(false)
            : null;
        if (q is null)
        {
            if (r.State is VmState.Running or VmState.Paused or VmState.Preserved)
            {
                string why = $"QEMU (pid {r.Pid}) was gone when hospesd started{QemuLogTail()}";
                Commit(Stopped(r, VmState.Crashed, why));
                await ApplyAsync(GuestEvent.Crash, why).ConfigureAwait(false);
            }
            else if (r.Pid is not null)
            {
                Commit(Stopped(r, r.State));
            }

            return Record;
        }

        IReadOnlyList<int> threads = await q.Qmp.QueryVcpuThreadsAsync().ConfigureAwait(false);
        Attach(q, threads);

        await ReattachBalloonAsync(q.Qmp, r).ConfigureAwait(false);

        // A network brought down and up again while hospesd was away has lost its ports; put the taps back.
        _ = await _ctx.Networks.AttachAsync(r.Spec, CancellationToken.None).ConfigureAwait(false);
        QemuRunState status = await q.Qmp.QueryStatusAsync().ConfigureAwait(false);
        LogReattached(r.Name, q.Pid, status);
        switch (status)
        {
            case QemuRunState.Running:
                Commit(r with { State = VmState.Running });
                break;
            case QemuRunState.Paused when r.State != VmState.Crashed:
                Commit(r with { State = r.State == VmState.Preserved ? VmState.Preserved : VmState.Paused });
                break;
            case QemuRunState.Shutdown when r.State != VmState.Preserved:
                // The guest powered off while hospesd was away; QEMU waited for us.
                await ApplyAsync(GuestEvent.Poweroff).ConfigureAwait(false);
                break;
            case QemuRunState.GuestPanicked when r.State != VmState.Crashed:
                await ApplyAsync(GuestEvent.Crash, "the guest kernel panicked while hospesd was not running").ConfigureAwait(false);
                break;
            case QemuRunState.PostMigrate or QemuRunState.InMigrate:
                // A save or restore was cut off by hospesd's death: the save file (if recorded) holds the guest.
                await StopQemuAsync().ConfigureAwait(false);
                Commit(Stopped(r, r.SavePath is null ? VmState.Crashed : VmState.Saved, r.SavePath is null ? "hospesd died during save or restore" : r.LastError));
                break;
        }

        return Record;
    });

    /// <summary>
    /// The balloon keeps its target in QEMU; what it holds now becomes the target (a policy cut is undone by the policy).
    /// A QEMU started before Hospes had balloons has none: it is watched without one, and gets one at its next start.
    /// </summary>
    private async Task ReattachBalloonAsync(IQmp qmp, VmRecord r)
    {
        int booted = (int)(await qmp.QueryRamSizeAsync().ConfigureAwait(false) / Mib);
        try
        {
            int actual = (int)(await qmp.QueryBalloonAsync().ConfigureAwait(false) / Mib);
            await StartBalloonAsync(qmp, booted, Math.Min(r.Spec.MemoryMib, Math.Max(actual, MinimumMib)), setTarget: false).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            UpdateMemory(_ => VmMemoryState.None with { BootedMib = booted, SampledAt = _ctx.Time.GetUtcNow() });
        }
    }
}
