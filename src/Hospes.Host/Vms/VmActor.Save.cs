using Hospes.Host.State;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    private static readonly TimeSpan StreamPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Stops the guest, streams its state into one file and ends its QEMU (as `xl save`).
    /// On any failure the file is removed and the guest continues as it was.
    /// </summary>
    public Task<Result<VmRecord>> SaveAsync(string path) => EnqueueAsync<VmRecord>(async () =>
    {
        VmRecord r = Record;
        if (r.State is not (VmState.Running or VmState.Paused) || _qemu is null)
        {
            return NotAllowed("save");
        }

        if (!Path.IsPathRooted(path))
        {
            return HospesError.Invalid($"save path '{path}' is not absolute");
        }

        if (File.Exists(path))
        {
            return HospesError.Conflict($"{path} already exists; remove it or choose another file");
        }

        if (Path.GetDirectoryName(path) is { } dir && !Directory.Exists(dir))
        {
            return HospesError.NotFound($"folder {dir} does not exist; create it or choose another path for the save file");
        }

        bool wasRunning = r.State == VmState.Running;
        IQmp qmp = _qemu.Qmp;
        SaveFile.WriteHeader(path, new SaveHeader
        {
            Spec = r.Spec,
            WasRunning = wasRunning,
            SavedAt = _ctx.Time.GetUtcNow(),
            QemuVersion = qmp.QemuVersion.ToString(),
            Machine = r.Machine,
            Accel = r.Accel,
            RamMib = Memory.BootedMib,
        });
        MigrationStatus status;
        try
        {
            if (wasRunning)
            {
                await qmp.StopAsync().ConfigureAwait(false);
            }

            await qmp.MigrateAsync($"file:{path},offset={SaveFile.StreamOffset}").ConfigureAwait(false);
            status = await WaitForStreamAsync(qmp).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or TimeoutException)
        {
            status = new MigrationStatus("failed", e.Message, 0);
        }

        if (!status.IsCompleted)
        {
            File.Delete(path);
            if (wasRunning)
            {
                await qmp.ContAsync().ConfigureAwait(false);
            }

            return new HospesError(ErrorCode.Internal, $"saving {r.Name} to {path} failed: {status.Error ?? status.Status}; the guest continues");
        }

        // Recorded before QEMU goes: a hospesd killed now finds the VM saved (and its finished QEMU to end).
        Commit(r with { State = VmState.Saved, SavePath = path });
        await StopQemuAsync().ConfigureAwait(false);
        Commit(Stopped(Record, VmState.Saved));
        long size = new FileInfo(path).Length;
        LogSaved(r.Name, path, size);
        return Record;
    });

    /// <summary>Continues a saved guest from <paramref name="path"/>. Runs inside the queue.</summary>
    public Task<Result<VmRecord>> RestoreAsync(string path, bool paused) => EnqueueAsync(() => RestoreCoreAsync(path, paused));

    private async Task<Result<VmRecord>> RestoreCoreAsync(string path, bool paused)
    {
        if (_qemu is not null)
        {
            return NotAllowed("restore");
        }

        Result<SaveHeader> header = SaveFile.ReadHeader(path);
        if (!header.IsOk)
        {
            return header.Error;
        }

        Result<VmRecord> started = await StartCoreAsync(incoming: true, header.Value.RamMib).ConfigureAwait(false);
        if (!started.IsOk)
        {
            return started.Error;
        }

        IQmp qmp = _qemu!.Qmp;
        MigrationStatus status;
        try
        {
            await qmp.MigrateIncomingAsync($"file:{path},offset={SaveFile.StreamOffset}").ConfigureAwait(false);
            status = await WaitForStreamAsync(qmp).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException)
        {
            status = new MigrationStatus("failed", e.Message, 0);
        }

        if (!status.IsCompleted)
        {
            string reason = status.Error ?? status.Status;
            await StopQemuAsync().ConfigureAwait(false);
            Commit(Stopped(Record, VmState.Saved) with { SavePath = path, LastError = $"restore failed: {reason}" });
            return new HospesError(ErrorCode.Internal, $"restoring {Record.Name} from {path} failed: {reason}{QemuLogTail()}");
        }

        bool run = header.Value.WasRunning && !paused;
        if (run)
        {
            await qmp.ContAsync().ConfigureAwait(false);
        }

        LogRestored(Record.Name, path);
        return Commit(Record with { State = run ? VmState.Running : VmState.Paused, SavePath = null });
    }

    /// <summary>Polls query-migrate until the file stream has finished one way or the other.</summary>
    private async Task<MigrationStatus> WaitForStreamAsync(IQmp qmp)
    {
        // Generous: a file stream of a large guest on a slow disk; a QEMU that dies ends the wait at once.
        DateTimeOffset deadline = _ctx.Time.GetUtcNow() + TimeSpan.FromMinutes(10);
        while (true)
        {
            MigrationStatus s = await qmp.QueryMigrateAsync().ConfigureAwait(false);
            if (s.IsCompleted || s.IsFailed)
            {
                return s;
            }

            if (_ctx.Time.GetUtcNow() > deadline)
            {
                await qmp.MigrateCancelAsync().ConfigureAwait(false);
                return s with { Status = "failed", Error = "did not finish within 10 minutes" };
            }

            await Task.Delay(StreamPoll, _ctx.Time).ConfigureAwait(false);
        }
    }
}
