using System.Buffers.Binary;
using System.Text;

namespace Hospes.Storage.QemuImg;

/// <summary>
/// What an image file from elsewhere says about other files, read by Hospes before any tool opens it. qemu-img opens
/// what an image names as soon as it opens the image (a qcow2's external data file, the extents a VMDK descriptor
/// lists), so an image that names other files is refused before qemu-img ever sees it: those files may be any file of
/// the host (a key, a disk, a FIFO), and a conversion would copy their bytes into the store.
/// </summary>
public static class ImageHeader
{
    private const uint Qcow2Magic = 0x514649fb; // "QFI\xfb"
    private const ulong Qcow2ExternalDataFile = 1UL << 2;
    private const string VmdkDescriptor = "# Disk DescriptorFile";
    private static readonly byte[] VmdkSparse = "KDMV"u8.ToArray();
    private static readonly byte[] VmdkCowd = "COWD"u8.ToArray();

    /// <summary>Why the image at <paramref name="path"/>, read as <paramref name="format"/> (or by what it looks like when null), names other files; null when it does not.</summary>
    public static async Task<string?> NamesOtherFilesAsync(string path, string? format, CancellationToken ct)
    {
        byte[] head = new byte[512];
        int read;
        await using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous))
        {
            read = await f.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        }

        ReadOnlySpan<byte> h = head.AsSpan(0, read);
        bool qcow2 = h.Length >= 8 && BinaryPrimitives.ReadUInt32BigEndian(h) == Qcow2Magic;
        if ((format ?? (qcow2 ? "qcow2" : null)) == "qcow2" && qcow2 && h.Length >= 80
            && BinaryPrimitives.ReadUInt32BigEndian(h[4..]) >= 3
            && (BinaryPrimitives.ReadUInt64BigEndian(h[72..]) & Qcow2ExternalDataFile) != 0)
        {
            return "it is a qcow2 image whose data lives in an external data file (another file of the host)";
        }

        bool sparseVmdk = h.StartsWith(VmdkSparse) || h.StartsWith(VmdkCowd);
        bool descriptor = Encoding.ASCII.GetString(h).Contains(VmdkDescriptor, StringComparison.Ordinal);
        if ((format == "vmdk" && !sparseVmdk) || (format is null && descriptor))
        {
            return "it is a VMDK descriptor, a text file that names the files (extents) holding the disk's data";
        }

        return null;
    }
}
