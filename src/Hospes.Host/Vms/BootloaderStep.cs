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

    /// <summary>The name of the file beside the extracted kernel that holds the menu's arguments; written last.</summary>
    public const string CmdlineFileName = "cmdline";

    /// <summary>The disk the boot loader reads.</summary>
    public static DiskSpec? BootDisk(VmSpec spec) => spec.Disks.FirstOrDefault(d => d.DeviceType == DiskDeviceType.Disk && d.Target.Length > 0);

    /// <param name="incoming">
    /// For a QEMU that receives a running guest (restore, incoming migration): the kernel extracted at the start the guest
    /// comes from is booted again, when this VM folder has it, without reading the disk (#15: the guest's RAM holds that
    /// kernel; its disk may be written by the guest on another host, or not copied yet).
    /// </param>
    public static async Task<Result<VmSpec>> ApplyAsync(VmSpec spec, string vmDir, bool incoming, CancellationToken ct)
    {
        string dir = Path.Combine(vmDir, "boot");
        if (incoming && Extracted(dir) is { } kept)
        {
            return With(spec, kept);
        }

        DiskSpec? disk = BootDisk(spec);
        if (disk is null)
        {
            return HospesError.Unavailable($"{spec.Name}: bootloader '{spec.Bootloader}' needs a disk to find the kernel on; give a disk, or kernel= and ramdisk=");
        }

        Directory.CreateDirectory(dir);
        string cmdlineFile = Path.Combine(dir, CmdlineFileName);
        File.Delete(cmdlineFile);
        Result<GuestBootEntry> entry = await new GuestBootLoader().FindAsync(disk.Target, disk.Format, dir, null, ct).ConfigureAwait(false);
        if (!entry.IsOk)
        {
            return entry.Error with { Message = $"{spec.Name}: bootloader '{spec.Bootloader}': {entry.Error.Message}" };
        }

        GuestBootEntry e = entry.Value;
        await File.WriteAllTextAsync(cmdlineFile, e.Args, ct).ConfigureAwait(false);
        return With(spec, e);
    }

    /// <summary>The kernel, initrd and arguments files of the extraction in the VM folder <paramref name="vmDir"/>.</summary>
    public static (string Kernel, string Initrd, string Cmdline) Files(string vmDir)
    {
        string dir = Path.Combine(vmDir, "boot");
        return (Path.Combine(dir, GuestBootLoader.KernelFileName), Path.Combine(dir, GuestBootLoader.InitrdFileName), Path.Combine(dir, CmdlineFileName));
    }

    /// <summary>
    /// #15: writes what the source of a migration extracted at its start into <paramref name="vmDir"/> (folder 0700,
    /// files 0600, the arguments last), so an incoming QEMU boots it as <see cref="ApplyAsync"/> does after a restore.
    /// </summary>
    public static async Task WriteExtractedAsync(string vmDir, byte[] kernel, byte[]? initrd, string args, CancellationToken ct)
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        (string k, string i, string c) = Files(vmDir);
        Directory.CreateDirectory(Path.GetDirectoryName(k)!, Private | UnixFileMode.UserExecute);
        await WriteAsync(k, kernel, Private, ct).ConfigureAwait(false);
        if (initrd is not null)
        {
            await WriteAsync(i, initrd, Private, ct).ConfigureAwait(false);
        }

        await WriteAsync(c, System.Text.Encoding.UTF8.GetBytes(args), Private, ct).ConfigureAwait(false);
    }

    private static async Task WriteAsync(string path, byte[] content, UnixFileMode mode, CancellationToken ct)
    {
        await using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
        await file.WriteAsync(content, ct).ConfigureAwait(false);
    }

    /// <summary>The files of the last extraction into <paramref name="dir"/>, when it finished (its cmdline file is written last).</summary>
    private static GuestBootEntry? Extracted(string dir)
    {
        (string kernel, string initrd, string cmdline) = Files(Path.GetDirectoryName(dir)!);
        return File.Exists(kernel) && File.Exists(cmdline)
            ? new GuestBootEntry(kernel, File.Exists(initrd) ? initrd : null, File.ReadAllText(cmdline), "as extracted at the last start", 0)
            : null;
    }

    private static VmSpec With(VmSpec spec, GuestBootEntry e)
    {
        string cmdline = string.Join(' ', new[] { e.Args, spec.KernelCmdline }.Where(s => s.Length > 0));
        return spec with { Kernel = e.KernelPath, Ramdisk = e.InitrdPath, KernelCmdline = cmdline };
    }
}
