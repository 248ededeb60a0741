using System.Buffers.Binary;
using System.Text;

namespace Hospes.Storage.Bootloader;

/// <summary>Names the filesystem at an offset of a disk by its superblock magic, as blkid would.</summary>
internal static class FilesystemProbe
{
    private const int ExtSuperblock = 1024;
    private const int BtrfsMagicOffset = 0x10040;

    public static async Task<string> ProbeAsync(Stream disk, long offset, CancellationToken ct)
    {
        byte[] head = await DiskRead.ReadAsync(disk, offset, BtrfsMagicOffset + 8, ct).ConfigureAwait(false);
        return Probe(head);
    }

    /// <summary>ext2/ext3/ext4, xfs, btrfs, swap, LVM2_member, crypto_LUKS, vfat, ntfs, iso9660, or unknown.</summary>
    public static string Probe(ReadOnlySpan<byte> head)
    {
        if (BinaryPrimitives.ReadUInt16LittleEndian(head[(ExtSuperblock + 0x38)..]) == 0xef53)
        {
            return ExtVariant(head[ExtSuperblock..]);
        }

        if (At(head, 0, "XFSB"))
        {
            return "xfs";
        }

        if (At(head, BtrfsMagicOffset, "_BHRfS_M"))
        {
            return "btrfs";
        }

        if (At(head, 4086, "SWAPSPACE2") || At(head, 4086, "SWAP-SPACE"))
        {
            return "swap";
        }

        if (At(head, 512, "LABELONE"))
        {
            return "LVM2_member";
        }

        if (At(head, 0, "LUKS\u00ba\u00be"))
        {
            return "crypto_LUKS";
        }

        if (At(head, 82, "FAT32   ") || At(head, 54, "FAT16   ") || At(head, 54, "FAT12   "))
        {
            return "vfat";
        }

        if (At(head, 3, "NTFS    "))
        {
            return "ntfs";
        }

        return At(head, 32769, "CD001") ? "iso9660" : "unknown";
    }

    public static bool IsExt(string type) => type is "ext2" or "ext3" or "ext4";

    private static string ExtVariant(ReadOnlySpan<byte> superblock)
    {
        const uint hasJournal = 0x4;
        const uint ext4Incompat = 0x40 | 0x80 | 0x200; // extents, 64bit, flex_bg
        uint compat = BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x5c..]);
        uint incompat = BinaryPrimitives.ReadUInt32LittleEndian(superblock[0x60..]);
        return (incompat & ext4Incompat) != 0 ? "ext4" : (compat & hasJournal) != 0 ? "ext3" : "ext2";
    }

    private static bool At(ReadOnlySpan<byte> head, int offset, string magic) =>
        offset + magic.Length <= head.Length && head.Slice(offset, magic.Length).SequenceEqual(Encoding.Latin1.GetBytes(magic));
}
