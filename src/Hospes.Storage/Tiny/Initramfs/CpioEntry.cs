namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>One member of a newc cpio archive. <see cref="Path"/> is relative ("bin/busybox"); Mode holds permission bits only.</summary>
internal sealed record CpioEntry(string Path, CpioEntryKind Kind, int Mode)
{
    /// <summary>A file's content, or a symlink's target as UTF-8.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    public static CpioEntry Directory(string path, int mode = 0b111_101_101) => new(path, CpioEntryKind.Directory, mode);

    public static CpioEntry File(string path, ReadOnlyMemory<byte> data, int mode) => new(path, CpioEntryKind.File, mode) { Data = data };

    public static CpioEntry Symlink(string path, string target) =>
        new(path, CpioEntryKind.Symlink, 0b111_111_111) { Data = System.Text.Encoding.UTF8.GetBytes(target) };

    public static CpioEntry CharDevice(string path, int mode, int major, int minor) =>
        new(path, CpioEntryKind.CharDevice, mode) { DeviceMajor = major, DeviceMinor = minor };
}
