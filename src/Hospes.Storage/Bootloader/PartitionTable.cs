namespace Hospes.Storage.Bootloader;

/// <summary>Finds a disk's partitions from its MBR or GPT, in the order a boot loader would try them.</summary>
internal static class PartitionTable
{
    public const int SectorSize = 512;

    /// <summary>
    /// The partitions, bootable ones first; the whole disk as partition 0 when there is no partition table.
    /// </summary>
    public static async Task<IReadOnlyList<DiskPartition>> ReadAsync(Stream disk, CancellationToken ct)
    {
        byte[] sector0 = await DiskRead.ReadAsync(disk, 0, SectorSize, ct).ConfigureAwait(false);
        IReadOnlyList<DiskPartition> found = Mbr.IsProtective(sector0)
            ? await Gpt.ReadAsync(disk, ct).ConfigureAwait(false)
            : await Mbr.ReadAsync(disk, sector0, ct).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return [new DiskPartition(0, 0, disk.Length, Bootable: false)];
        }

        return found.OrderByDescending(p => p.Bootable).ThenBy(p => p.Index).ToList();
    }
}
