using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.State;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Hospes.Host.Vms.Commands;

/// <summary>
/// `hospes save`: stops the guest, streams its state into one file and ends its QEMU (as `xl save`).
/// On any failure the file is removed and the guest continues as it was.
/// </summary>
internal sealed class SaveCommand(string path, Balloons balloons, FileStreams streams, ILogger log) : VmCommand<VmRecord>
{
    public override VmAction Action => VmAction.Save;

    /// <summary>The guest stays with its QEMU after the save (xl save -c and -p): the file is a checkpoint.</summary>
    public bool Keep { get; init; }

    /// <summary>With <see cref="Keep"/>: paused (xl save -p) rather than running on.</summary>
    public bool Paused { get; init; }

    protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        if (!Path.IsPathRooted(path))
        {
            return HospesError.Invalid($"save path '{path}' is not absolute");
        }

        if (path.Contains(',', StringComparison.Ordinal) || Core.Vms.SpecRules.ControlCharacter(path) is not null)
        {
            // QEMU reads the file from a URI "file:PATH,offset=4096": a comma in PATH would end it early (#28).
            return HospesError.Invalid($"save path '{path}' contains a comma or a control character, which QEMU cannot be given; choose another file name");
        }

        if (Path.Exists(path))
        {
            return HospesError.Conflict($"{path} already exists; remove it or choose another file");
        }

        if (Path.GetDirectoryName(path) is { } dir && !Directory.Exists(dir))
        {
            return HospesError.NotFound($"folder {dir} does not exist; create it or choose another path for the save file");
        }

        bool wasRunning = r.State == VmState.Running;
        IQmp qmp = vm.Qmp!;
        if (await HotplugGuard.RefuseAsync(r, qmp, "saved", ct).ConfigureAwait(false) is { } plugged)
        {
            return plugged;
        }

        bool agentChannel = (await qmp.DeviceIdsAsync(ct).ConfigureAwait(false)).Contains(QemuNames.AgentSerial);

        int offset = SaveFile.WriteHeader(path, new SaveHeader
        {
            Spec = r.Spec,
            WasRunning = wasRunning,
            SavedAt = vm.Time.GetUtcNow(),
            QemuVersion = qmp.QemuVersion.ToString(),
            Machine = r.Machine,
            Accel = r.Accel,
            RamMib = balloons.Of(qmp).BootedMib,
            AgentChannel = agentChannel,
        });
        try
        {
            // The intent first: a hospesd killed during the stream finds the save (state as before, SavePath set) and
            // finishes or undoes it from what QEMU says (SaveReconcile).
            vm.Commit(r with { SavePath = path });
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        MigrationStatus status;
        try
        {
            if (wasRunning)
            {
                await qmp.StopAsync(ct).ConfigureAwait(false);
            }

            // hospesd opens the file (QEMU may run as a uid that cannot) and hands it over write-only.
            using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
            long fdSet = await qmp.AddFdAsync(file, "save", ct).ConfigureAwait(false);
            try
            {
                await qmp.MigrateAsync($"file:{QmpFiles.FdSetPath(fdSet)},offset={offset}", ct).ConfigureAwait(false);
                status = await streams.WaitAsync(qmp).ConfigureAwait(false);
            }
            finally
            {
                if (vm.Qmp is { } q)
                {
                    await q.RemoveFdSetAsync(fdSet, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or IOException or UnauthorizedAccessException)
        {
            status = new MigrationStatus("failed", e.Message, 0);
        }

        if (!status.IsCompleted)
        {
            await UndoAsync(vm, wasRunning).ConfigureAwait(false);
            vm.Commit(vm.Record with { SavePath = null });
            return new HospesError(ErrorCode.Internal, $"saving {r.Name} to {path} failed: {status.Error ?? status.Status}; {(vm.Qmp is null ? "its QEMU is gone" : "the guest continues")}");
        }

        if (Keep)
        {
            return await KeepAsync(vm, wasRunning, size: new FileInfo(path).Length).ConfigureAwait(false);
        }

        // Recorded before QEMU goes: a hospesd killed now finds the VM saved (and its finished QEMU to end).
        try
        {
            vm.Commit(vm.Record with { State = VmState.Saved, SavePath = path });
        }
        catch
        {
            // Not recorded as saved: the guest continues rather than stop with nobody knowing where it went.
            await UndoAsync(vm, wasRunning).ConfigureAwait(false);
            throw;
        }

        await vm.StopQemuAsync().ConfigureAwait(false);
        vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Saved));
        long size = new FileInfo(path).Length;
        VmLog.Saved(log, r.Name, path, size);
        return vm.Record;
    }

    /// <summary>
    /// xl save -c / -p: the file holds the guest; it goes on in the same QEMU (cont reactivates the disks the finished
    /// stream handed over), or stays paused.
    /// </summary>
    private async Task<Result<VmRecord>> KeepAsync(VmSession vm, bool wasRunning, long size)
    {
        bool run = wasRunning && !Paused;
        if (run)
        {
            await vm.Qmp!.ContAsync().ConfigureAwait(false);
        }

        VmLog.Saved(log, vm.Record.Name, path, size);
        return vm.Commit(vm.Record with { SavePath = null, State = run ? VmState.Running : VmState.Paused });
    }

    /// <summary>The save did not take: its file goes, and a guest that ran before runs again.</summary>
    private async Task UndoAsync(VmSession vm, bool wasRunning)
    {
        File.Delete(path);
        if (wasRunning && vm.Qmp is { } qmp)
        {
            try
            {
                await qmp.ContAsync().ConfigureAwait(false);
            }
            catch (QmpDisconnectedException)
            {
                // QEMU went during the save; its exit is handled next in the queue.
            }
        }
    }
}
