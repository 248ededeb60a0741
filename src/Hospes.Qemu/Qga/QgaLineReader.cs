namespace Hospes.Qemu.Qga;

/// <summary>
/// Reads the guest agent's replies: lines of JSON, each at most <see cref="MaxLine"/> bytes, so a hostile or broken guest
/// cannot make hospesd buffer without end. Also skips to the 0xFF that guest-sync-delimited puts before its reply.
/// </summary>
internal sealed class QgaLineReader(Stream stream, int maxLine)
{
    public const byte Delimiter = 0xFF;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public int MaxLine => maxLine;

    /// <summary>The next line without its newline; null at the end of the stream. Throws <see cref="QgaTooLongException"/> past the limit.</summary>
    public async Task<byte[]?> ReadLineAsync(CancellationToken ct)
    {
        using var line = new MemoryStream();
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int take = (newline < 0 ? _end : newline) - _start;
            if (line.Length + take > maxLine)
            {
                throw new QgaTooLongException();
            }

            line.Write(_buffer, _start, take);
            if (newline >= 0)
            {
                _start = newline + 1;
                return line.ToArray();
            }

            _start = _end;
            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>Discards everything up to and including the next 0xFF, at most <see cref="MaxLine"/> bytes; false at the end of the stream.</summary>
    public async Task<bool> SkipPastDelimiterAsync(CancellationToken ct)
    {
        long skipped = 0;
        while (true)
        {
            int at = Array.IndexOf(_buffer, Delimiter, _start, _end - _start);
            if (at >= 0)
            {
                _start = at + 1;
                return true;
            }

            skipped += _end - _start;
            if (skipped > maxLine)
            {
                throw new QgaTooLongException();
            }

            _start = _end;
            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
        return _end > 0;
    }
}
