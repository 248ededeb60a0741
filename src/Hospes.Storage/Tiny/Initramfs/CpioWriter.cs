using System.Globalization;
using System.Text;

namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>
/// Writes a cpio archive in the "newc" (SVR4, no CRC) format the kernel unpacks as an initramfs.
/// Owner root, a fixed mtime and sequential inode numbers make the output a pure function of the entries.
/// </summary>
internal sealed class CpioWriter
{
    private const string Magic = "070701";
    private const string TrailerName = "TRAILER!!!";
    private const int HeaderSize = 110; // magic + 13 fields of 8 hex digits
    private static readonly byte[] Zeros = new byte[4];

    private readonly Stream _stream;
    private readonly long _mtime;
    private int _inode = 1;
    private bool _finished;

    public CpioWriter(Stream stream, long mtime = 0)
    {
        _stream = stream;
        _mtime = mtime;
    }

    public async Task WriteAsync(CpioEntry entry, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (entry.Path.Length == 0 || entry.Path.StartsWith('/') || entry.Path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"cpio member name '{entry.Path}' must be a non-empty relative path", nameof(entry));
        }

        int nlink = entry.Kind == CpioEntryKind.Directory ? 2 : 1;
        await WriteMemberAsync(entry.Path, _inode++, (int)entry.Kind | (entry.Mode & 0xFFF), nlink, entry.DeviceMajor, entry.DeviceMinor, entry.Data, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Writes the trailer that ends the archive; nothing may follow.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        if (!_finished)
        {
            await WriteMemberAsync(TrailerName, 0, 0, 1, 0, 0, ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
            _finished = true;
        }
    }

    private async Task WriteMemberAsync(
        string name, int inode, int mode, int nlink, int rdevMajor, int rdevMinor, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        long[] fields =
        [
            inode, mode, 0 /* uid */, 0 /* gid */, nlink, _mtime, data.Length,
            0 /* devmajor */, 0 /* devminor */, rdevMajor, rdevMinor, nameBytes.Length + 1, 0 /* check */,
        ];
        string header = Magic + string.Concat(fields.Select(f => f.ToString("X8", CultureInfo.InvariantCulture)));
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(header), ct).ConfigureAwait(false);
        await _stream.WriteAsync(nameBytes, ct).ConfigureAwait(false);
        await _stream.WriteAsync(Zeros.AsMemory(0, 1), ct).ConfigureAwait(false);
        await PadAsync(HeaderSize + nameBytes.Length + 1, ct).ConfigureAwait(false);
        await _stream.WriteAsync(data, ct).ConfigureAwait(false);
        await PadAsync(data.Length, ct).ConfigureAwait(false);
    }

    private async Task PadAsync(int written, CancellationToken ct)
    {
        int pad = (4 - (written % 4)) % 4;
        if (pad > 0)
        {
            await _stream.WriteAsync(Zeros.AsMemory(0, pad), ct).ConfigureAwait(false);
        }
    }
}
