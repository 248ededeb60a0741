using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Vms.Commands;
using Hospes.Qemu.Launch;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>Makes the VM floor's commands with what they need; callers only say what they want done.</summary>
/// <param name="continued">Told when a saved guest runs again by `start` or `restore` (hospesd sets its clock: it stood still while saved).</param>
internal sealed class VmCommands(VmLauncher launcher, FileStreams streams, Balloons balloons, IQemuLauncher qemu, NetworkService networks, ILogger log, Action<Machine.IVm>? continued = null)
{
    public StartCommand Start() => new(launcher, streams, log) { Continued = continued };

    /// <summary>A start that leaves the guest paused before its first instruction when <paramref name="paused"/> (xl create -p).</summary>
    public StartCommand Start(bool paused) => new(launcher, streams, log) { Paused = paused, Continued = continued };

    public static PauseCommand Pause() => new(pause: true);

    public static PauseCommand Unpause() => new(pause: false);

    public static PowerButtonCommand PressPowerButton(bool reboot) => new(reboot);

    public DestroyCommand Destroy() => new(log);

    public SaveCommand Save(string path) => new(path, balloons, streams, log);

    /// <summary>A save that leaves the guest running (xl save -c) or paused (-p) with its QEMU, the file a checkpoint.</summary>
    public SaveCommand Save(string path, bool checkpoint, bool leavePaused) => new(path, balloons, streams, log) { Keep = checkpoint || leavePaused, Paused = leavePaused };

    /// <summary>A restore of <paramref name="path"/>; <paramref name="definedFromFile"/>: into a VM just defined from its header.</summary>
    public RestoreCommand Restore(string path, bool paused, bool definedFromFile = false) => new(launcher, streams, path, paused, definedFromFile, log) { Continued = continued };

    public ReconcileCommand Reconcile() => new(qemu, balloons, networks, streams, log);

    public static AttachConsoleCommand AttachConsole() => new();

    public static VncCommand Vnc() => new();

    /// <summary>The fork point of a running VM: its device state and RAM file into <paramref name="forkDir"/>; it continues as a fork of itself.</summary>
    public Forks.ForkPoint ForkPoint(string forkDir, Func<CancellationToken, Task<Hospes.Core.Errors.Result<bool>>>? split = null, bool freeze = false) => new(launcher, streams, balloons, forkDir, log, split, freeze);

    /// <summary>A VM defined for a fork comes to life on the fork's RAM file and state.</summary>
    public Forks.ForkChild ForkChild(string ramFile) => new(launcher, streams, ramFile, log);

    /// <summary>Restores a VM a killed hospesd left saved on its way to memory of its own (before a fork).</summary>
    public Forks.ForkOwnMemorySettle OwnMemorySettle(string whole) => new(launcher, streams, whole, log);

    /// <summary>Puts a parent left at its fork point by a killed hospesd back to running.</summary>
    public Forks.ForkUndo ForkUndo(string forkRamFile) => new(launcher, streams, forkRamFile, log);
}
