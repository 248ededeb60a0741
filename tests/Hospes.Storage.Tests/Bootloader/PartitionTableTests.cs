using System.Buffers.Binary;
using Hospes.Storage.Bootloader;

namespace Hospes.Storage.Tests.Bootloader;

/// <summary>Partition tables from crafted bytes.</summary>
public sealed class PartitionTableTests
{
    private const int Sector = 512;

    [Fact]
    public async Task Mbr_BootableFirst_ThenByNumber()
    {
        byte[] disk = new byte[64 * Sector];
        MbrEntry(disk, 0, 0, 0x82, 2048, 1000);
        MbrEntry(disk, 0, 1, 0x83, 4096, 2000, bootable: true);
        MbrEntry(disk, 0, 2, 0x83, 8192, 100);
        Signature(disk, 0);

        IReadOnlyList<DiskPartition> parts = await ReadAsync(disk);

        Assert.Equal([2, 1, 3], parts.Select(p => p.Index));
        Assert.Equal(4096L * Sector, parts[0].Offset);
        Assert.Equal(2000L * Sector, parts[0].Size);
    }

    [Fact]
    public async Task Mbr_LogicalPartitions_FollowTheEbrChain()
    {
        byte[] disk = new byte[64 * Sector];
        MbrEntry(disk, 0, 0, 0x83, 2048, 1000);
        MbrEntry(disk, 0, 1, 0x05, 10, 50);
        Signature(disk, 0);
        // First EBR at sector 10: a logical partition 2 sectors on; the next EBR at extended start + 20.
        MbrEntry(disk, 10, 0, 0x82, 2, 5);
        MbrEntry(disk, 10, 1, 0x05, 20, 10);
        Signature(disk, 10);
        MbrEntry(disk, 30, 0, 0x83, 2, 7);
        Signature(disk, 30);

        IReadOnlyList<DiskPartition> parts = await ReadAsync(disk);

        Assert.Equal([1, 5, 6], parts.Select(p => p.Index));
        Assert.Equal(12L * Sector, parts[1].Offset);
        Assert.Equal(32L * Sector, parts[2].Offset);
        Assert.Equal(7L * Sector, parts[2].Size);
    }

    [Fact]
    public async Task NoTable_IsTheWholeDisk()
    {
        byte[] disk = new byte[8 * Sector];

        DiskPartition whole = Assert.Single(await ReadAsync(disk));

        Assert.Equal(new DiskPartition(0, 0, disk.Length, false), whole);
    }

    [Fact]
    public async Task FatBootSector_IsNotMistakenForAnMbr()
    {
        byte[] disk = new byte[8 * Sector];
        disk[446] = 0xeb; // boot code where a status byte would be
        MbrEntry(disk, 0, 1, 0x83, 1, 2);
        Signature(disk, 0);

        Assert.Equal(0, Assert.Single(await ReadAsync(disk)).Index);
    }

    [Fact]
    public async Task Gpt_ReadsEntriesAndSkipsEmptyOnes()
    {
        byte[] disk = new byte[64 * Sector];
        MbrEntry(disk, 0, 0, 0xee, 1, 63);
        Signature(disk, 0);
        "EFI PART"u8.CopyTo(disk.AsSpan(Sector));
        BinaryPrimitives.WriteInt64LittleEndian(disk.AsSpan(Sector + 72), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(disk.AsSpan(Sector + 80), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(disk.AsSpan(Sector + 84), 128);
        GptEntry(disk, 0, 34, 39, 0);
        GptEntry(disk, 2, 40, 59, 1UL << 2);

        IReadOnlyList<DiskPartition> parts = await ReadAsync(disk);

        Assert.Equal([3, 1], parts.Select(p => p.Index));
        Assert.True(parts[0].Bootable);
        Assert.Equal(40L * Sector, parts[0].Offset);
        Assert.Equal(20L * Sector, parts[0].Size);
        Assert.Equal(6L * Sector, parts[1].Size);
    }

    private static async Task<IReadOnlyList<DiskPartition>> ReadAsync(byte[] disk)
    {
        using var stream = new MemoryStream(disk, writable: false);
        return await PartitionTable.ReadAsync(stream, CancellationToken.None);
    }

    private static void MbrEntry(byte[] disk, int sector, int i, byte type, uint start, uint count, bool bootable = false)
    {
        Span<byte> e = disk.AsSpan((sector * Sector) + 446 + (16 * i), 16);
        e[0] = bootable ? (byte)0x80 : (byte)0;
        e[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(e[8..], start);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], count);
    }

    private static void Signature(byte[] disk, int sector)
    {
        disk[(sector * Sector) + 510] = 0x55;
        disk[(sector * Sector) + 511] = 0xaa;
    }

    private static void GptEntry(byte[] disk, int i, long first, long last, ulong attributes)
    {
        Span<byte> e = disk.AsSpan((2 * Sector) + (128 * i), 128);
        new Guid("0fc63daf-8483-4772-8e79-3d69d8477de4").TryWriteBytes(e);
        BinaryPrimitives.WriteInt64LittleEndian(e[32..], first);
        BinaryPrimitives.WriteInt64LittleEndian(e[40..], last);
        BinaryPrimitives.WriteUInt64LittleEndian(e[48..], attributes);
    }
}
