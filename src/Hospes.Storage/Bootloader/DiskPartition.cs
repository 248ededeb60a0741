namespace Hospes.Storage.Bootloader;

/// <summary>
/// A partition of a disk image, in bytes from the disk's start. <see cref="Index"/> is the number Linux
/// gives it (1-4 primary, 5+ logical); 0 stands for a filesystem on the whole disk.
/// </summary>
internal sealed record DiskPartition(int Index, long Offset, long Size, bool Bootable);
