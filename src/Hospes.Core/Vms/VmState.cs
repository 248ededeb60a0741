namespace Hospes.Core.Vms;

/// <summary>A VM's lifecycle state as hospesd tracks it.</summary>
public enum VmState
{
    /// <summary>Defined, no QEMU process.</summary>
    Shutoff,

    /// <summary>QEMU is being started.</summary>
    Starting,
    Running,
    Paused,

    /// <summary>A graceful shutdown was requested and the guest has not powered off yet.</summary>
    ShuttingDown,

    /// <summary>The guest crashed or its QEMU died unexpectedly.</summary>
    Crashed,

    /// <summary>The guest's state sits in a save file; restore continues it.</summary>
    Saved,
}
