namespace Hospes.Config.Reading;

/// <param name="Disk">The guest's whole disk (/dev/vdb).</param>
/// <param name="Vdev">The config's vdev for that disk.</param>
/// <param name="Path">The rewritten device path (/dev/vdb, or /dev/vda1 for a partition).</param>
internal sealed record GuestDisk(string Disk, string Vdev, string Path);
