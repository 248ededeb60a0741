using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Commands;

/// <summary>`hospes destroy`: hard power-off. The definition stays; a crashed or preserved VM's QEMU is released too.</summary>
internal sealed class DestroyCommand(ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Destroy;

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (r.State == VmState.Saved)
        {
            // The saved state is dropped from the VM (the file stays where the user put it).
            return vm.Commit(r with { State = VmState.Shutoff, SavePath = null });
        }

        if (vm.Qemu is null && r.State == VmState.Crashed)
        {
            return vm.Commit(GuestEvents.Stopped(r, VmState.Shutoff));
        }

        await vm.StopQemuAsync().ConfigureAwait(false);
        VmLog.Stopped(log, r.Name, "destroyed");
        return vm.Commit(GuestEvents.Stopped(r, VmState.Shutoff));
    }
}
