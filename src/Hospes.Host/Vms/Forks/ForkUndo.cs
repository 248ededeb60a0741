using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms.Commands;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Forks;

/// <summary>
/// At start, for a fork a killed hospesd left unfinished: its parent runs again. Saved at the fork point, it continues as a
/// fork of itself (as the fork would have made it); still in its own QEMU, stopped at the fork point, it continues there on
/// its own RAM file (the fork's second name of it goes with the fork).
/// </summary>
internal sealed class ForkUndo(VmLauncher launcher, FileStreams streams, string forkRamFile, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Any;

    public override string? Verb => "fork";

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        string state = ForkRam.StateFile(forkRamFile);
        // Its QEMU gone after the fork point was complete (the RAM file's second name is made only then): it continues from
        // there, whatever the restart recorded (saved, or crashed when the kill came between its QEMU's end and the record).
        if (vm.Qmp is null && r.State != VmState.Running && File.Exists(forkRamFile) && File.Exists(state))
        {
            vm.Commit(r with { RamFile = forkRamFile, LastError = null });
            return await RestoreCommand.RestoreAsync(vm, launcher, streams, state, paused: false, log).ConfigureAwait(false);
        }

        if (vm.Qmp is not { } qmp || r.State == VmState.Running)
        {
            return r;
        }

        try
        {
            await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { [ForkPoint.IgnoreShared] = false }, ct).ConfigureAwait(false);
            await qmp.ContAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException)
        {
            return vm.Commit(r with { LastError = $"a fork of {r.Name} was cut short by a hospesd restart and its guest could not continue: {e.Message}; `hospes unpause {r.Name}` tries again" });
        }

        string? own = r.RamFile == forkRamFile ? launcher.Ram.OwnFile(r.Uuid) : r.RamFile;
        return vm.Commit(r with { State = VmState.Running, RamFile = own });
    }
}
