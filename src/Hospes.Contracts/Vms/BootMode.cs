namespace Hospes.Contracts.Vms;

/// <summary>Xen's guest types on the wire ("pv", "pvh", "hvm").</summary>
public enum BootMode
{
    /// <summary>Direct kernel boot with virtio devices (Xen's PV path).</summary>
    Pv,

    /// <summary>Direct kernel boot through the PVH entry point.</summary>
    Pvh,

    /// <summary>Firmware boots a disk or ISO (Xen's HVM path).</summary>
    Hvm,
}
