namespace Hospes.Contracts.Vms;

/// <summary>A VM's lifecycle state on the wire ("shutoff", "running", ...).</summary>
public enum VmState
{
    /// <summary>Defined, no QEMU process.</summary>
    Shutoff,
    Running,
    Paused,

    /// <summary>The guest shut down and on_poweroff/on_reboot = preserve keeps its QEMU for inspection (xl's 's').</summary>
    Preserved,

    /// <summary>The guest crashed or its QEMU died unexpectedly.</summary>
    Crashed,

    /// <summary>The guest's state sits in a save file; restore continues it.</summary>
    Saved,

    /// <summary>In a cluster's list: the VM's host is down or did not answer, so its state is not known.</summary>
    Unknown,
}
