using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Commands;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// At start, in the VM's queue (after its reconcile has finished or undone a save cut off by the kill): a VM that was
/// saved into <paramref name="whole"/> to get memory of its own before a fork is restored from it; the file then goes.
/// </summary>
internal sealed class ForkOwnMemorySettle(VmLauncher launcher, FileStreams streams, string whole, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Any;

    public override string? Verb => "fork";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (vm.Qmp is null && r.State == VmState.Saved && r.SavePath == whole && File.Exists(whole))
        {
            Result<VmRecord> back = await RestoreCommand.RestoreAsync(vm, launcher, streams, whole, paused: false, log).ConfigureAwait(false);
            if (!back.IsOk)
            {
                return back;
            }
        }

        if (vm.Record.SavePath != whole)
        {
            File.Delete(whole);
        }

        return vm.Record;
    }
}
