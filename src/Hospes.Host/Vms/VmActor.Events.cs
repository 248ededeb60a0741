using Hospes.Host.State;
using Hospes.Core.Vms;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    private const int CrashRestartLimit = 5;
    private static readonly TimeSpan CrashWindow = TimeSpan.FromMinutes(5);

    private enum GuestEvent
    {
        Poweroff,
        Reboot,
        Crash,
    }

    private async Task OnEventAsync(IQemuProcess q, QmpEvent e)
    {
        if (!ReferenceEquals(q, _qemu))
        {
            return; // an event of a QEMU that is already gone
        }

        switch (e.Name)
        {
            case "SHUTDOWN" when e.GetBool("guest"):
                // With -action shutdown=pause QEMU now waits for us. A power-off after `hospes reboot`
                // is that reboot; "guest-reset" arrives only when on_reboot is not restart.
                bool reboot = _rebootRequested || e.GetString("reason") == "guest-reset";
                _rebootRequested = false;
                await ApplyAsync(reboot ? GuestEvent.Reboot : GuestEvent.Poweroff).ConfigureAwait(false);
                break;
            case "GUEST_PANICKED":
                await ApplyAsync(GuestEvent.Crash, "the guest kernel panicked").ConfigureAwait(false);
                break;
            case "RESET" when e.GetBool("guest"):
                LastGuestReboot = _ctx.Time.GetUtcNow();
                LogGuestReset(Record.Name);
                Notify();
                break;
        }
    }

    /// <summary>QMP closed. If nobody asked QEMU to go, it crashed or was killed: on_crash applies.</summary>
    private async Task OnQemuExitedAsync(IQemuProcess q)
    {
        if (!ReferenceEquals(q, _qemu))
        {
            return;
        }

        await q.WaitForExitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        await DetachQemuAsync().ConfigureAwait(false);
        _ctx.Launcher.RemoveRuntimeFiles(_ctx.Paths(Record.Uuid));
        string why = $"QEMU (pid {q.Pid}) exited unexpectedly{QemuLogTail()}";
        Commit(Stopped(Record, VmState.Crashed, why));
        await ApplyAsync(GuestEvent.Crash, why).ConfigureAwait(false);
    }

    /// <summary>Applies on_poweroff, on_reboot or on_crash. Runs inside the queue.</summary>
    private async Task ApplyAsync(GuestEvent what, string? why = null)
    {
        VmSpec spec = Record.Spec;
        LifecycleAction action = what switch
        {
            GuestEvent.Poweroff => spec.OnPoweroff,
            GuestEvent.Reboot => spec.OnReboot,
            _ => spec.OnCrash,
        };
        LogLifecycle(Record.Name, what, action);
        DateTimeOffset now = _ctx.Time.GetUtcNow();
        if (what == GuestEvent.Crash)
        {
            LogCrashed(Record.Name, why ?? "");
            Commit(Record with { CrashCount = Record.CrashCount + 1, LastError = why });
        }
        else
        {
            LastGuestShutdown = now;
        }

        switch (action)
        {
            case LifecycleAction.Restart or LifecycleAction.RenameRestart when what != GuestEvent.Crash || MayRestartAfterCrash(now):
                // Hospes keeps one QEMU per VM, so rename-restart restarts in place; the earlier run's output stays in console.log.
                await RestartAsync(what).ConfigureAwait(false);
                break;
            case LifecycleAction.Preserve:
                // Keep QEMU (paused, with the guest's memory) for inspection until `hospes destroy`.
                Commit(Record with { State = what == GuestEvent.Crash ? VmState.Crashed : VmState.Preserved });
                break;
            default:
                await StopQemuAsync().ConfigureAwait(false);
                VmState state = what == GuestEvent.Crash ? VmState.Crashed : VmState.Shutoff;
                LogStopped(Record.Name, what == GuestEvent.Crash ? "crashed" : "guest powered off");
                Commit(Stopped(Record, state));
                break;
        }
    }

    private async Task RestartAsync(GuestEvent what)
    {
        if (_qemu is { } q)
        {
            // The same QEMU, reset: a fresh boot without a new process.
            await q.Qmp.SystemResetAsync().ConfigureAwait(false);
            await q.Qmp.ContAsync().ConfigureAwait(false);
            if (what != GuestEvent.Poweroff)
            {
                LastGuestReboot = _ctx.Time.GetUtcNow();
            }

            Commit(Record with { State = VmState.Running });
            return;
        }

        var started = await StartCoreAsync(incoming: false).ConfigureAwait(false);
        if (!started.IsOk)
        {
            Commit(Record with { State = VmState.Crashed, LastError = $"restart after crash failed: {started.Error.Message}" });
        }
    }

    /// <summary>A guest that keeps crashing is left crashed instead of restarted forever.</summary>
    private bool MayRestartAfterCrash(DateTimeOffset now)
    {
        _recentCrashes.Enqueue(now);
        while (_recentCrashes.Count > 0 && now - _recentCrashes.Peek() > CrashWindow)
        {
            _recentCrashes.Dequeue();
        }

        if (_recentCrashes.Count <= CrashRestartLimit)
        {
            return true;
        }

        Commit(Record with { LastError = $"crashed {_recentCrashes.Count} times within {CrashWindow.TotalMinutes:0} minutes; not restarting it again. Last: {Record.LastError}" });
        return false;
    }

    private string QemuLogTail()
    {
        try
        {
            string? last = File.ReadLines(_ctx.Paths(Record.Uuid).QemuLog).LastOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
            return last is null ? "" : $": {last.Trim()}";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
