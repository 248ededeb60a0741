namespace Hospes.Core.Vms;

/// <summary>Xen's guest types, mapped onto QEMU boot paths.</summary>
public enum BootMode
{
    /// <summary>Direct kernel boot with virtio devices (Xen's PV path).</summary>
    Pv,

    /// <summary>Direct kernel boot through the PVH entry point.</summary>
    Pvh,

    /// <summary>Firmware boots a disk or ISO (Xen's HVM path).</summary>
    Hvm,
}
