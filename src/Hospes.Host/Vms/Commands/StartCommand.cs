using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Commands;

/// <summary>`hospes start`: boots a defined VM, or continues a saved one from its save file.</summary>
internal sealed class StartCommand(VmLauncher launcher, FileStreams streams, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Start;

    /// <summary>xl create -p: QEMU and the guest are set up, and it stays paused before its first instruction.</summary>
    public bool Paused { get; init; }

    /// <summary>Told when a saved VM runs again (<see cref="RestoreCommand.RestoreAsync"/>): hospesd sets its clock.</summary>
    public Action<Machine.IVm>? Continued { get; init; }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (r.State == VmState.Saved)
        {
            return r.SavePath is { } savePath
                ? await RestoreCommand.RestoreAsync(vm, launcher, streams, savePath, paused: false, log, Continued).ConfigureAwait(false)
                : VmTransitions.Refuse(Action, new VmSubject(r.Name, r.State, HasQemu: false));
        }

        Result<bool> firmware = FirmwareVars.Ensure(r.Spec, vm.Paths.FirmwareVars);
        if (!firmware.IsOk)
        {
            return firmware.Error;
        }

        vm.Commit(r with { LastError = null });
        return await launcher.LaunchAsync(vm, incoming: false, paused: Paused).ConfigureAwait(false);
    }
}
