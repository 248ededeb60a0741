namespace Hospes.Contracts.Vms;

/// <summary>A disk entry's device on the wire ("disk", "cdrom").</summary>
public enum DiskDeviceType
{
    Disk,
    Cdrom,
}
