using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>
/// One VM's guest, as its QEMU reports it: power-off, reboot, panic, or QEMU's own death, and what on_poweroff,
/// on_reboot and on_crash make of them. Runs in the VM's queue.
/// </summary>
internal sealed class GuestEvents(VmLauncher launcher, ILogger log)
{
    private const int CrashRestartLimit = 5;
    private static readonly TimeSpan CrashWindow = TimeSpan.FromMinutes(5);

    private readonly Queue<DateTimeOffset> _recentCrashes = new();

    // A guest that resets in a loop (a triple fault right after boot) would write a line per reset into hospesd's log.
    private readonly LogBudget _resetLines = new(5, TimeSpan.FromMinutes(1));

    public enum Kind
    {
        Poweroff,
        Reboot,
        Crash,
    }

    /// <summary>When the guest last powered off or rebooted (through any path); shutdown and reboot wait on it.</summary>
    public DateTimeOffset LastShutdown { get; private set; } = DateTimeOffset.MinValue;

    public DateTimeOffset LastReboot { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>`hospes reboot` pressed the power button: the power-off that follows is that reboot.</summary>
    public bool RebootRequested { get; set; }

    /// <summary>Whether <see cref="OnEventAsync"/> does anything with <paramref name="e"/>: only those go into the VM's queue.</summary>
    public static bool ActsOn(QmpEvent e) => e.Name switch
    {
        "SHUTDOWN" or "RESET" => e.GetBool("guest"),
        "GUEST_PANICKED" => true,
        _ => false,
    };

    public async Task OnEventAsync(VmSession vm, QmpEvent e)
    {
        switch (e.Name)
        {
            case "SHUTDOWN" when e.GetBool("guest"):
                // With -action shutdown=pause QEMU now waits for us. A power-off after `hospes reboot`
                // is that reboot; "guest-reset" arrives only when on_reboot is not restart.
                bool reboot = RebootRequested || e.GetString("reason") == "guest-reset";
                RebootRequested = false;
                await ApplyAsync(vm, reboot ? Kind.Reboot : Kind.Poweroff).ConfigureAwait(false);
                break;
            case "GUEST_PANICKED":
                await ApplyAsync(vm, Kind.Crash, "the guest kernel panicked").ConfigureAwait(false);
                break;
            case "RESET" when e.GetBool("guest"):
                LastReboot = vm.Time.GetUtcNow();
                if (_resetLines.TryTake(LastReboot, out int heldBack))
                {
                    VmLog.GuestReset(log, vm.Name);
                    if (heldBack > 0)
                    {
                        VmLog.EventsNotLogged(log, vm.Name, heldBack, "guest resets");
                    }
                }

                vm.Notify();
                break;
        }
    }

    /// <summary>QMP closed. If nobody asked QEMU to go, it crashed or was killed: on_crash applies.</summary>
    public async Task OnQemuExitedAsync(VmSession vm, IQemuProcess q)
    {
        await vm.ReleaseQemuAsync(q).ConfigureAwait(false);
        string why = $"QEMU (pid {q.Pid}) exited unexpectedly{vm.QemuLogTail()}";
        vm.Commit(Stopped(vm.Record, VmState.Crashed, why));
        await ApplyAsync(vm, Kind.Crash, why).ConfigureAwait(false);
    }

    /// <summary>Applies on_poweroff, on_reboot or on_crash.</summary>
    public async Task ApplyAsync(VmSession vm, Kind what, string? why = null)
    {
        VmSpec spec = vm.Record.Spec;
        LifecycleAction action = what switch
        {
            Kind.Poweroff => spec.OnPoweroff,
            Kind.Reboot => spec.OnReboot,
            // An HA VM's QEMU that died (or was killed by fencing) is never started again in place: the cluster decides where it runs.
            _ => spec.Ha ? LifecycleAction.Destroy : spec.OnCrash,
        };
        DateTimeOffset now = vm.Time.GetUtcNow();
        if (what != Kind.Reboot || _resetLines.TryTake(now, out _))
        {
            VmLog.Lifecycle(log, vm.Name, what, action);
        }

        if (what == Kind.Crash)
        {
            VmLog.Crashed(log, vm.Name, why ?? "");
            vm.Commit(vm.Record with { CrashCount = vm.Record.CrashCount + 1, LastError = why });
        }
        else
        {
            LastShutdown = now;
        }

        switch (action)
        {
            case LifecycleAction.Restart or LifecycleAction.RenameRestart when what != Kind.Crash || MayRestartAfterCrash(vm, now):
                // Hospes keeps one QEMU per VM, so rename-restart restarts in place; the earlier run's output stays in console.log.
                await RestartAsync(vm, what).ConfigureAwait(false);
                break;
            case LifecycleAction.Preserve:
                // Keep QEMU (paused, with the guest's memory) for inspection until `hospes destroy`.
                vm.Commit(vm.Record with { State = what == Kind.Crash ? VmState.Crashed : VmState.Preserved });
                break;
            default:
                await vm.StopQemuAsync().ConfigureAwait(false);
                VmState state = what == Kind.Crash ? VmState.Crashed : VmState.Shutoff;
                VmLog.Stopped(log, vm.Name, what == Kind.Crash ? "crashed" : "guest powered off");
                vm.Commit(Stopped(vm.Record, state));
                break;
        }
    }

    /// <summary>The record of a VM whose QEMU is gone.</summary>
    public static VmRecord Stopped(VmRecord r, VmState state, string? error = null) =>
        r with { State = state, DomId = null, Pid = null, LastError = error ?? r.LastError, RamFile = null };

    /// <summary>
    /// Whether the VM's QEMU continues a fork (its RAM is a fork point's file): it may hold no kernel (see
    /// QemuLaunchSpec.ContinuesForkWithoutKernel), so a reset would boot nothing. Such a VM boots again in a new QEMU,
    /// which also lets go of the fork point's memory.
    /// </summary>
    public static bool ContinuesFork(VmRecord r) => ForkFiles.IsForkRam(r.RamFile);

    /// <summary>
    /// Whether the VM's QEMU can reset its guest in place: only with `-action reboot=reset` (on_reboot = restart, not a
    /// fork's QEMU). With reboot=shutdown QEMU turns a system_reset into one more shutdown, and a `cont` after it is
    /// refused ("Resetting the Virtual Machine is required"): rename-restart, and a power-off restart of a VM whose
    /// on_reboot is not restart, left the guest shut down while its record said running (found in session 13).
    /// </summary>
    public static bool ResetsInPlace(VmRecord r) => r.Spec.OnReboot == LifecycleAction.Restart && !ContinuesFork(r);

    private async Task RestartAsync(VmSession vm, Kind what)
    {
        if (vm.Qmp is { } qmp && ResetsInPlace(vm.Record))
        {
            // The same QEMU, reset: a fresh boot without a new process.
            await qmp.SystemResetAsync().ConfigureAwait(false);
            await qmp.ContAsync().ConfigureAwait(false);
            if (what != Kind.Poweroff)
            {
                LastReboot = vm.Time.GetUtcNow();
            }

            vm.Commit(vm.Record with { State = VmState.Running });
            return;
        }

        Result<VmRecord> started = await BootInNewQemuAsync(vm).ConfigureAwait(false);
        if (!started.IsOk)
        {
            string after = what switch { Kind.Crash => "a crash", Kind.Reboot => "a reboot", _ => "a power-off" };
            vm.Commit(vm.Record with { State = VmState.Crashed, LastError = $"restart after {after} failed: {started.Error.Message}" });
        }
        else if (what != Kind.Poweroff)
        {
            LastReboot = vm.Time.GetUtcNow();
        }
    }

    /// <summary>
    /// Boots the guest from the start in a new QEMU (its QEMU, if any, ended first): a restart whose QEMU is gone or
    /// cannot reset in place (<see cref="ResetsInPlace"/>; a fork's holds no kernel).
    /// </summary>
    public async Task<Result<VmRecord>> BootInNewQemuAsync(VmSession vm)
    {
        if (vm.Qemu is not null)
        {
            VmLog.BootsInNewQemu(log, vm.Name, ContinuesFork(vm.Record) ? "its QEMU continued a fork and holds no kernel to reset to" : $"on_reboot = {vm.Record.Spec.OnReboot.ToString().ToLowerInvariant()}: its QEMU does not reset in place");
            await vm.StopQemuAsync().ConfigureAwait(false);
            vm.Commit(Stopped(vm.Record, VmState.Shutoff));
        }

        return await launcher.LaunchAsync(vm, incoming: false).ConfigureAwait(false);
    }

    /// <summary>A guest that keeps crashing is left crashed instead of restarted forever.</summary>
    private bool MayRestartAfterCrash(VmSession vm, DateTimeOffset now)
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

        vm.Commit(vm.Record with { LastError = $"crashed {_recentCrashes.Count} times within {CrashWindow.TotalMinutes:0} minutes; not restarting it again. Last: {vm.Record.LastError}" });
        return false;
    }
}
