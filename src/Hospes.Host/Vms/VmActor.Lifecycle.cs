using Hospes.Host.State;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    public Task<Result<VmRecord>> PauseAsync() => EnqueueAsync<VmRecord>(async () =>
    {
        if (Record.State != VmState.Running || _qemu is null)
        {
            return NotAllowed("pause");
        }

        await _qemu.Qmp.StopAsync().ConfigureAwait(false);
        Commit(Record with { State = VmState.Paused });
        return Record;
    });

    public Task<Result<VmRecord>> UnpauseAsync() => EnqueueAsync<VmRecord>(async () =>
    {
        if (Record.State != VmState.Paused || _qemu is null)
        {
            return NotAllowed("unpause");
        }

        await _qemu.Qmp.ContAsync().ConfigureAwait(false);
        Commit(Record with { State = VmState.Running });
        return Record;
    });

    /// <summary>Presses the ACPI power button; the guest's power-off arrives later as an event.</summary>
    public Task<Result<DateTimeOffset>> RequestShutdownAsync() => EnqueueAsync<DateTimeOffset>(async () =>
    {
        if (Record.State != VmState.Running || _qemu is null)
        {
            return NotAllowed("shut down");
        }

        DateTimeOffset asked = _ctx.Time.GetUtcNow();
        await _qemu.Qmp.SystemPowerdownAsync().ConfigureAwait(false);
        return asked;
    });

    /// <summary>
    /// A graceful reboot, as libvirt does it for guests without an agent: ACPI power-off, and when the
    /// guest has shut down, on_reboot is applied instead of on_poweroff (restart = reset and continue).
    /// </summary>
    public Task<Result<DateTimeOffset>> RequestRebootAsync() => EnqueueAsync<DateTimeOffset>(async () =>
    {
        if (Record.State != VmState.Running || _qemu is null)
        {
            return NotAllowed("reboot");
        }

        DateTimeOffset asked = _ctx.Time.GetUtcNow();
        _rebootRequested = true;
        await _qemu.Qmp.SystemPowerdownAsync().ConfigureAwait(false);
        return asked;
    });

    /// <summary>Hard power-off. The definition stays; a crashed or preserved VM's QEMU is released too.</summary>
    public Task<Result<VmRecord>> DestroyAsync() => EnqueueAsync<VmRecord>(async () =>
    {
        VmRecord r = Record;
        if (r.State == VmState.Saved)
        {
            // The saved state is dropped from the VM (the file stays where the user put it).
            return Commit(r with { State = VmState.Shutoff, SavePath = null });
        }

        if (_qemu is null && r.State is VmState.Shutoff or VmState.Crashed)
        {
            return r.State == VmState.Crashed ? Commit(Stopped(r, VmState.Shutoff)) : NotAllowed("destroy");
        }

        await StopQemuAsync().ConfigureAwait(false);
        LogStopped(r.Name, "destroyed");
        return Commit(Stopped(r, VmState.Shutoff));
    });
}
