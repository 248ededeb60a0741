using Hospes.Core.Vms;
using Hospes.Host.Machine;

namespace Hospes.Host.Storage;

/// <summary>The VMs as the store sees them: by the names users know, and which of them holds a file open.</summary>
internal static class StoreVms
{
    /// <summary>The VM's name, or its uuid when no VM of this host has it (any longer).</summary>
    public static string NameOf(this IVmDirectory vms, Guid uuid) => vms.Find(uuid.ToString()) is { IsOk: true } a ? a.Value.Record.Name : uuid.ToString();

    /// <summary>Is a VM running on <paramref name="path"/>, directly or through an overlay?</summary>
    public static IVm? RunningOn(this IVmDirectory vms, string path) =>
        vms.All.FirstOrDefault(a => a.Pid is not null && a.Record.Spec.Disks.Any(d => d.Target == path));

    /// <summary>A disk the guest writes to (not a cdrom, not read-only, not empty): what templates copy and snapshots cover.</summary>
    public static bool IsWritableDisk(DiskSpec d) => !d.ReadOnly && d.DeviceType == DiskDeviceType.Disk && d.Target.Length > 0;
}
