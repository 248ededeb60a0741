using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// Continues a saved guest from a save file, in this VM (which has no QEMU now). <paramref name="definedFromFile"/>: the VM
/// was just defined from the file's header; otherwise it must still be saved in exactly this file when its turn comes.
/// </summary>
internal sealed class RestoreCommand(VmLauncher launcher, FileStreams streams, string path, bool paused, bool definedFromFile, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Restore;

    /// <summary>Told when the restored guest runs (see <see cref="RestoreAsync"/>): hospesd sets its clock.</summary>
    public Action<Machine.IVm>? Continued { get; init; }

    /// <summary>
    /// The restore itself, also what `hospes start` of a saved VM does. Until it completes the VM stays recorded as saved
    /// in <paramref name="path"/> (with the incoming QEMU's pid): a hospesd killed meanwhile finds it saved again.
    /// </summary>
    /// <param name="continued">Told (not awaited) when the guest runs again and has an agent channel: its clock is behind by the time it was saved.</param>
    public static async Task<Result<VmRecord>> RestoreAsync(VmSession vm, VmLauncher launcher, FileStreams streams, string path, bool paused, ILogger log, Action<Machine.IVm>? continued = null)
    {
        Result<SaveHeader> header = SaveFile.ReadHeader(path);
        if (!header.IsOk)
        {
            return header.Error;
        }

        if (vm.Record.State != VmState.Saved || vm.Record.SavePath != path)
        {
            vm.Commit(vm.Record with { State = VmState.Saved, SavePath = path });
        }

        Result<VmRecord> started = await launcher.LaunchAsync(vm, incoming: true, header.Value.RamMib, agentChannel: header.Value.AgentChannel ?? false).ConfigureAwait(false);
        if (!started.IsOk)
        {
            return started.Error;
        }

        IQmp qmp = vm.Qmp!;
        MigrationStatus status;
        bool fork = false;
        try
        {
            // A fork point's state holds no RAM: this QEMU maps it from the fork's file (x-ignore-shared on both sides).
            if (vm.Record.RamFile is { } ram && Forks.ForkRam.IsForkRam(ram))
            {
                // events: the end of the load is seen at once (FileStreams), not at the next poll.
                await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { [Forks.ForkPoint.IgnoreShared] = true, ["events"] = true }).ConfigureAwait(false);
                fork = true;
            }

            // hospesd opens the file (QEMU may run as a uid that cannot) and hands it over read-only.
            using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            long fdSet = await qmp.AddFdAsync(file, "restore").ConfigureAwait(false);
            try
            {
                await qmp.MigrateIncomingAsync($"file:{QmpFiles.FdSetPath(fdSet)},offset={header.Value.StreamOffset}").ConfigureAwait(false);
                status = await streams.WaitAsync(qmp, fork ? vm.Signals : null).ConfigureAwait(false);
            }
            finally
            {
                if (vm.Qmp is { } q)
                {
                    await q.RemoveFdSetAsync(fdSet).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or IOException or UnauthorizedAccessException)
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

        // x-ignore-shared changes the stream's format (each RAM block's address is written), so a later save or
        // migration of this fork must not carry it: its RAM is a private mapping, which such a stream sends whole anyway.
        if (vm.Record.RamFile is { } forkRam && Forks.ForkRam.IsForkRam(forkRam))
        {
            try
            {
                await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { [Forks.ForkPoint.IgnoreShared] = false }).ConfigureAwait(false);
            }
            catch (Exception e) when (e is QmpException or QmpDisconnectedException)
            {
                // QEMU went meanwhile: its exit is handled next in the queue.
            }
        }

        // Recorded before the guest runs: once it has, its disks no longer match the save file.
        bool run = header.Value.WasRunning && !paused;
        try
        {
            vm.Commit(vm.Record with { State = run ? VmState.Running : VmState.Paused, SavePath = null });
        }
        catch
        {
            // Not recorded: the guest must not run unknown to the state DB. It has not run yet, so the file still holds it.
            await vm.StopQemuAsync().ConfigureAwait(false);
            throw;
        }

        if (run)
        {
            await qmp.ContAsync().ConfigureAwait(false);
            if (header.Value.AgentChannel == true)
            {
                continued?.Invoke(vm.Vm);
            }
        }

        VmLog.Restored(log, vm.Name, path);
        return vm.Record;
    }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        // Checked again in the queue: a start, destroy or another restore may have run since the caller looked.
        VmRecord r = vm.Record;
        bool matches = definedFromFile ? r.State == VmState.Shutoff && r.StartedAt is null : r.State == VmState.Saved && r.SavePath == path;
        if (!matches)
        {
            string why = r.State == VmState.Saved
                ? $"its latest save is {r.SavePath}, not this file"
                : $"it is {r.State.ToString().ToLowerInvariant()} and may have written to its disks since this save";
            return HospesError.State($"cannot restore {r.Name} from {path}: {why}; restoring would not match its disks");
        }

        return await RestoreAsync(vm, launcher, streams, path, paused, log, Continued).ConfigureAwait(false);
    }
}
