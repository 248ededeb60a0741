using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Commands;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// One fork comes to life, in its own queue: a new QEMU that maps the fork's RAM file privately (copy-on-write), with its
/// own MACs and taps, loads the device state saved at the fork point (x-ignore-shared) and continues. It is a restore of
/// that state (<see cref="RestoreCommand.RestoreAsync"/>) whose record names the fork's RAM file.
/// </summary>
internal sealed class ForkChild(VmLauncher launcher, FileStreams streams, string ramFile, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Restore;

    public override string? Verb => "fork";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (r.State != VmState.Shutoff || r.StartedAt is not null)
        {
            return HospesError.State($"{r.Name} was defined for a fork but has run since; it is left as it is");
        }

        string state = ForkRam.StateFile(ramFile);
        vm.Commit(r with { State = VmState.Saved, SavePath = state, RamFile = ramFile });
        return await RestoreCommand.RestoreAsync(vm, launcher, streams, state, paused: false, log).ConfigureAwait(false);
    }
}
