using System.Text;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// Maps Xen guest device names to what a guest sees under QEMU: the config's disks (not cdroms)
/// become virtio disks /dev/vda, /dev/vdb, ... in config order.
/// </summary>
internal static class GuestDiskNames
{
    /// <summary>Linux's virtio naming: 0 is vda, 25 vdz, 26 vdaa.</summary>
    public static string VirtioName(int index)
    {
        var letters = new StringBuilder();
        for (int n = index; n >= 0; n = (n / 26) - 1)
        {
            letters.Insert(0, (char)('a' + (n % 26)));
        }

        return "vd" + letters;
    }

    /// <summary>
    /// The guest path for a Xen device path such as /dev/xvdc2 (a disk's vdev) or /dev/xvda1 (a
    /// partition of a whole-disk vdev); null when the path names no disk of the config.
    /// </summary>
    public static GuestDisk? Find(string device, IReadOnlyList<DiskSpec> disks)
    {
        const string Dev = "/dev/";
        if (!device.StartsWith(Dev, StringComparison.Ordinal))
        {
            return null;
        }

        string name = device[Dev.Length..];
        DiskSpec[] plain = [.. disks.Where(d => d.DeviceType == DiskDeviceType.Disk)];
        for (int i = 0; i < plain.Length; i++)
        {
            string vdev = plain[i].Vdev;
            if (name.Equals(vdev, StringComparison.OrdinalIgnoreCase))
            {
                return new GuestDisk(Dev + VirtioName(i), vdev, Dev + VirtioName(i));
            }

            bool wholeDisk = !char.IsAsciiDigit(vdev[^1]);
            if (wholeDisk
                && name.StartsWith(vdev, StringComparison.OrdinalIgnoreCase)
                && name.Length > vdev.Length
                && name[vdev.Length..].All(char.IsAsciiDigit))
            {
                return new GuestDisk(Dev + VirtioName(i), vdev, Dev + VirtioName(i) + name[vdev.Length..]);
            }
        }

        return null;
    }

    /// <summary>True for Xen's paravirtual disk names, which never exist in a QEMU guest.</summary>
    public static bool IsXenOnlyName(string device) => device.StartsWith("/dev/xvd", StringComparison.Ordinal);
}
