using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Storage.Bootloader;

namespace Hospes.Host.Vms;

/// <summary>
/// What Xen's pygrub did: for a PV guest with a bootloader and no kernel, read the boot menu inside its
/// disk at every start (so a kernel the guest installed is the one that boots) and boot that kernel directly.
/// </summary>
internal static class BootloaderStep
{
    public static bool Applies(VmSpec spec) =>
        spec.Boot != BootMode.Hvm && spec.Kernel is null && spec.Bootloader is { Length: > 0 };

    public static async Task<Result<VmSpec>> ApplyAsync(VmSpec spec, string vmDir, CancellationToken ct)
    {
        DiskSpec? disk = spec.Disks.FirstOrDefault(d => d.DeviceType == DiskDeviceType.Disk && d.Target.Length > 0);
        if (disk is null)
        {
            return HospesError.Unavailable($"{spec.Name}: bootloader '{spec.Bootloader}' needs a disk to find the kernel on; give a disk, or kernel= and ramdisk=");
        }

        string dir = Path.Combine(vmDir, "boot");
        Directory.CreateDirectory(dir);
        Result<GuestBootEntry> entry = await new GuestBootLoader().FindAsync(disk.Target, disk.Format, dir, null, ct).ConfigureAwait(false);
        if (!entry.IsOk)
        {
            return entry.Error with { Message = $"{spec.Name}: bootloader '{spec.Bootloader}': {entry.Error.Message}" };
        }

        GuestBootEntry e = entry.Value;
        string cmdline = string.Join(' ', new[] { e.Args, spec.KernelCmdline }.Where(s => s.Length > 0));
        return spec with { Kernel = e.KernelPath, Ramdisk = e.InitrdPath, KernelCmdline = cmdline };
    }
}
