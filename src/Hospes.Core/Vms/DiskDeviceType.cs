namespace Hospes.Core.Vms;

public enum DiskDeviceType
{
    Disk,
    Cdrom,
}
