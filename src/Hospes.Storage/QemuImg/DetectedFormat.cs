namespace Hospes.Storage.QemuImg;

/// <summary>
/// The format qemu-img probed for a file. <see cref="IsRaw"/> means it found no image header: the file is a
/// raw disk, or no disk at all (any file probes as raw), so the caller decides whether to trust it.
/// </summary>
public sealed record DetectedFormat(string Format, long VirtualSize)
{
    public bool IsRaw => Format == "raw";
}
