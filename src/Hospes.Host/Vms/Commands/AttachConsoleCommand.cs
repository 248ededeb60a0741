using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Console;

namespace Hospes.Host.Vms.Commands;

/// <summary>Joins the VM's serial console; the session ends when the VM stops.</summary>
internal sealed class AttachConsoleCommand : VmCommand<ConsoleSession>
{
    public override VmAction Action => VmAction.AttachConsole;

    protected override async Task<Result<ConsoleSession>> RunAsync(VmSession vm, CancellationToken ct) =>
        await vm.Console!.AttachAsync(ct).ConfigureAwait(false);
}
