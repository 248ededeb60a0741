using System.Buffers.Binary;

namespace Hospes.Storage.Bootloader;

/// <summary>The DOS partition table: four primary entries, logical partitions in a chain of EBRs.</summary>
internal static class Mbr
{
    private const int EntriesOffset = 446;
    private const byte GptProtective = 0xee;
    private const int MaxLogical = 128;

    public static bool HasSignature(ReadOnlySpan<byte> sector) => sector[510] == 0x55 && sector[511] == 0xaa;

    public static bool IsProtective(byte[] sector0) =>
        HasSignature(sector0) && Enumerable.Range(0, 4).Any(i => sector0[EntriesOffset + (16 * i) + 4] == GptProtective);

    public static async Task<IReadOnlyList<DiskPartition>> ReadAsync(Stream disk, byte[] sector0, CancellationToken ct)
    {
        // A filesystem's boot sector (FAT, NTFS) also ends in 55 AA; its "status" bytes are code, not 0 or 0x80.
        if (!HasSignature(sector0) || Enumerable.Range(0, 4).Any(i => (sector0[EntriesOffset + (16 * i)] & 0x7f) != 0))
        {
            return [];
        }

        var partitions = new List<DiskPartition>();
        for (int i = 0; i < 4; i++)
        {
            Entry e = Entry.At(sector0, i);
            if (e.IsExtended)
            {
                await ReadLogicalAsync(disk, e.Start, partitions, ct).ConfigureAwait(false);
            }
            else if (e.Type != 0 && e.Sectors > 0)
            {
                partitions.Add(new DiskPartition(i + 1, e.Start * PartitionTable.SectorSize, e.Sectors * PartitionTable.SectorSize, e.Bootable));
            }
        }

        return partitions;
    }

    private static async Task ReadLogicalAsync(Stream disk, long extendedStart, List<DiskPartition> partitions, CancellationToken ct)
    {
        long ebr = extendedStart;
        for (int index = 5; index < 5 + MaxLogical; index++)
        {
            byte[] sector = await DiskRead.ReadAsync(disk, ebr * PartitionTable.SectorSize, PartitionTable.SectorSize, ct).ConfigureAwait(false);
            if (!HasSignature(sector))
            {
                return;
            }

            // An EBR's first entry is relative to the EBR itself, its link to the extended partition's start.
            Entry logical = Entry.At(sector, 0);
            if (logical.Type != 0 && logical.Sectors > 0)
            {
                partitions.Add(new DiskPartition(
                    index, (ebr + logical.Start) * PartitionTable.SectorSize, logical.Sectors * PartitionTable.SectorSize, logical.Bootable));
            }

            Entry next = Entry.At(sector, 1);
            if (!next.IsExtended || next.Start == 0)
            {
                return;
            }

            ebr = extendedStart + next.Start;
        }
    }

    private readonly record struct Entry(bool Bootable, byte Type, long Start, long Sectors)
    {
        public bool IsExtended => Type is 0x05 or 0x0f or 0x85;

        public static Entry At(ReadOnlySpan<byte> sector, int i)
        {
            ReadOnlySpan<byte> e = sector.Slice(EntriesOffset + (16 * i), 16);
            return new Entry(e[0] == 0x80, e[4], BinaryPrimitives.ReadUInt32LittleEndian(e[8..]), BinaryPrimitives.ReadUInt32LittleEndian(e[12..]));
        }
    }
}
