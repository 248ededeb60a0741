namespace Hospes.Storage.Bootloader;

/// <summary>Reads a span of a disk image; bytes past its end read as zeros.</summary>
internal static class DiskRead
{
    public static async Task<byte[]> ReadAsync(Stream disk, long offset, int length, CancellationToken ct)
    {
        byte[] buffer = new byte[length];
        if (offset < 0 || offset >= disk.Length)
        {
            return buffer;
        }

        disk.Position = offset;
        await disk.ReadAtLeastAsync(buffer, length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return buffer;
    }
}
