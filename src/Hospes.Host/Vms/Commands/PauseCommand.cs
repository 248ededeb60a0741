using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms.Commands;

/// <summary>`hospes pause` and `hospes unpause`: the guest's vCPUs stop or continue; its memory stays.</summary>
internal sealed class PauseCommand(bool pause) : VmCommand<VmRecord>
{
    public override VmAction Action => pause ? VmAction.Pause : VmAction.Unpause;

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        if (pause)
        {
            await vm.Qmp!.StopAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await vm.Qmp!.ContAsync(ct).ConfigureAwait(false);
        }

        return vm.Commit(vm.Record with { State = pause ? VmState.Paused : VmState.Running });
    }
}
