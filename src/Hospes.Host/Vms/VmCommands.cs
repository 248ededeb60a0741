using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Vms.Commands;
using Hospes.Qemu.Launch;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Vms;

/// <summary>Makes the VM floor's commands with what they need; callers only say what they want done.</summary>
internal sealed class VmCommands(VmLauncher launcher, FileStreams streams, Balloons balloons, IQemuLauncher qemu, NetworkService networks, ILogger log)
{
    public StartCommand Start() => new(launcher, streams, log);

    /// <summary>A start that leaves the guest paused before its first instruction when <paramref name="paused"/> (xl create -p).</summary>
    public StartCommand Start(bool paused) => new(launcher, streams, log) { Paused = paused };

    public static PauseCommand Pause() => new(pause: true);

    public static PauseCommand Unpause() => new(pause: false);

    public static PowerButtonCommand PressPowerButton(bool reboot) => new(reboot);

    public DestroyCommand Destroy() => new(log);

    public SaveCommand Save(string path) => new(path, balloons, streams, log);

    /// <summary>A save that leaves the guest running (xl save -c) or paused (-p) with its QEMU, the file a checkpoint.</summary>
    public SaveCommand Save(string path, bool checkpoint, bool leavePaused) => new(path, balloons, streams, log) { Keep = checkpoint || leavePaused, Paused = leavePaused };

    /// <summary>A restore of <paramref name="path"/>; <paramref name="definedFromFile"/>: into a VM just defined from its header.</summary>
    public RestoreCommand Restore(string path, bool paused, bool definedFromFile = false) => new(launcher, streams, path, paused, definedFromFile, log);

    public ReconcileCommand Reconcile() => new(qemu, balloons, networks, streams, log);

    public static AttachConsoleCommand AttachConsole() => new();

    public static VncCommand Vnc() => new();
}
