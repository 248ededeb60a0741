using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms.Commands;

/// <summary>Continues a saved guest from a save file, in this VM (which has no QEMU now).</summary>
internal sealed class RestoreCommand(VmLauncher launcher, FileStreams streams, string path, bool paused, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Restore;

    /// <summary>The restore itself, also what `hospes start` of a saved VM does.</summary>
    public static async Task<Result<VmRecord>> RestoreAsync(VmSession vm, VmLauncher launcher, FileStreams streams, string path, bool paused, ILogger log)
    {
        Result<SaveHeader> header = SaveFile.ReadHeader(path);
        if (!header.IsOk)
        {
            return header.Error;
        }

        Result<VmRecord> started = await launcher.LaunchAsync(vm, incoming: true, header.Value.RamMib).ConfigureAwait(false);
        if (!started.IsOk)
        {
            return started.Error;
        }

        IQmp qmp = vm.Qmp!;
        MigrationStatus status;
        try
        {
            await qmp.MigrateIncomingAsync($"file:{path},offset={header.Value.StreamOffset}").ConfigureAwait(false);
            status = await streams.WaitAsync(qmp).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException)
        {
            status = new MigrationStatus("failed", e.Message, 0);
        }

        if (!status.IsCompleted)
        {
            string reason = status.Error ?? status.Status;
            await vm.StopQemuAsync().ConfigureAwait(false);
            vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Saved) with { SavePath = path, LastError = $"restore failed: {reason}" });
            return new HospesError(ErrorCode.Internal, $"restoring {vm.Name} from {path} failed: {reason}{vm.QemuLogTail()}");
        }

        bool run = header.Value.WasRunning && !paused;
        if (run)
        {
            await qmp.ContAsync().ConfigureAwait(false);
        }

        VmLog.Restored(log, vm.Name, path);
        return vm.Commit(vm.Record with { State = run ? VmState.Running : VmState.Paused, SavePath = null });
    }

    protected override Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct) => RestoreAsync(vm, launcher, streams, path, paused, log);
}
