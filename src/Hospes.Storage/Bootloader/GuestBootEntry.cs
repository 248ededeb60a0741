namespace Hospes.Storage.Bootloader;

/// <summary>
/// The kernel a guest's own boot menu would start, copied out of its disk: boot it directly with
/// <see cref="Args"/> as the command line. <see cref="FromPartition"/> is 0 for a filesystem on the whole disk.
/// </summary>
public sealed record GuestBootEntry(string KernelPath, string? InitrdPath, string Args, string Title, int FromPartition);
