using System.Buffers.Binary;
using System.Text;

namespace Hospes.Storage.Bootloader;

/// <summary>The GUID partition table (512-byte sectors, as disk images have).</summary>
internal static class Gpt
{
    private const int MaxEntries = 1024;
    private const ulong LegacyBiosBootable = 1UL << 2;

    public static async Task<IReadOnlyList<DiskPartition>> ReadAsync(Stream disk, CancellationToken ct)
    {
        const int s = PartitionTable.SectorSize;
        byte[] header = await DiskRead.ReadAsync(disk, s, s, ct).ConfigureAwait(false);
        if (Encoding.ASCII.GetString(header, 0, 8) != "EFI PART")
        {
            return [];
        }

        long entriesLba = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(72));
        int count = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80)), MaxEntries);
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (size is < 128 or > 4096 || entriesLba <= 1)
        {
            return [];
        }

        byte[] entries = await DiskRead.ReadAsync(disk, entriesLba * s, count * size, ct).ConfigureAwait(false);
        var partitions = new List<DiskPartition>();
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> e = entries.AsSpan(i * size, size);
            if (e[..16].IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }

            long first = BinaryPrimitives.ReadInt64LittleEndian(e[32..]);
            long last = BinaryPrimitives.ReadInt64LittleEndian(e[40..]);
            ulong attributes = BinaryPrimitives.ReadUInt64LittleEndian(e[48..]);
            if (first > 0 && last >= first)
            {
                partitions.Add(new DiskPartition(i + 1, first * s, (last - first + 1) * s, (attributes & LegacyBiosBootable) != 0));
            }
        }

        return partitions;
    }
}
