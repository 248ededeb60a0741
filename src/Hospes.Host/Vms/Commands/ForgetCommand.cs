using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// A VM's last command on this host: it is deleted (after a destroy with <paramref name="force"/>), or forgotten because
/// it lives elsewhere now. Its rows leave the state DB in the queue, and every command queued behind it is refused, so a
/// start that waited behind a delete cannot launch a QEMU nobody knows. The result is the VM as it was at its end.
/// </summary>
internal sealed class ForgetCommand(VmPresence why, bool force, ILogger log) : VmCommand<VmRecord>
{
    // Without --force a delete is what the table allows; anything else ends the VM in whatever state it is.
    public override VmAction Action => why == VmPresence.Deleted && !force ? VmAction.Delete : VmAction.Any;

    public override string? Verb => why == VmPresence.Deleted ? "delete" : "forget";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (VmTransitions.Check(VmAction.Delete, new VmSubject(r.Name, r.State, vm.Qemu is not null)) is not null)
        {
            // What --force promised: the VM is destroyed first (its QEMU ends, a save is dropped).
            if (vm.Qemu is not null)
            {
                await vm.StopQemuAsync().ConfigureAwait(false);
                VmLog.Stopped(log, r.Name, why == VmPresence.Deleted ? "destroyed for delete" : "forgotten");
            }

            vm.Commit(GuestEvents.Stopped(r, VmState.Shutoff) with { SavePath = null });
        }

        vm.End(why);
        return vm.Record;
    }
}
