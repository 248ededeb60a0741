namespace Hospes.Core.Vms;

/// <summary>What can be done to a VM; <see cref="VmTransitions"/> says in which states.</summary>
public enum VmAction
{
    Start,
    Pause,
    Unpause,

    /// <summary>Press the power button for a shutdown.</summary>
    Shutdown,

    /// <summary>Press the power button for a reboot.</summary>
    Reboot,
    Destroy,
    Save,

    /// <summary>Continue a guest from a save file in this VM's (absent) QEMU.</summary>
    Restore,

    /// <summary>Create, revert to or delete a snapshot: through QMP while QEMU runs, on the disk files while it does not.</summary>
    Snapshot,
    AttachConsole,
    MemSet,
    Migrate,

    /// <summary>Start an incoming QEMU that waits for a migration stream.</summary>
    ReceiveMigration,

    /// <summary>Delete the VM without --force.</summary>
    Delete,

    /// <summary>Copy the VM's disks into a template.</summary>
    MakeTemplate,

    /// <summary>Act on a running or paused guest through its QEMU: its display, CD drive, keys, triggers, a core dump.</summary>
    Monitor,
    /// <summary>
    /// Change a VM's devices (vcpu-set, block-attach, network-attach...): through QMP while QEMU runs, else in its spec
    /// only; never while saved (the save file holds the guest with the devices it had).
    /// </summary>
    Hotplug,

    /// <summary>Give the VM another name (xl rename): in every state, running or not.</summary>
    Rename,

    /// <summary>Anything allowed in every state: reconcile, mem-max, QEMU events, the end of an incoming migration.</summary>
    Any,
}
