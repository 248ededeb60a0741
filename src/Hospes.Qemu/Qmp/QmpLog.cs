using Hospes.Qemu.Logs;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// Every QMP exchange of one VM, appended to a file, so a failure can be read afterwards (as Incus keeps qemu.qmp.log).
/// A guest drives what it holds (events, e.g. a reset loop), so it rotates (<see cref="LogCap"/>) at half of
/// <c>maxBytes</c>: the log and its older part stay within it.
/// </summary>
public sealed class QmpLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly string? _path;
    private readonly long _rotateAt;
    private readonly TimeProvider _time;
    private StreamWriter? _writer;

    public QmpLog(string? path, TimeProvider time, long maxBytes = (long)LogCap.DefaultMaxMib << 20)
    {
        _path = path;
        _time = time;
        _rotateAt = LogCap.RotateAt(maxBytes);
        _writer = path is null ? null : Open(path);
    }

    public void Write(string direction, string text)
    {
        if (_writer is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_writer is null)
            {
                return;
            }

            try
            {
                if (_writer.BaseStream.Position >= _rotateAt)
                {
                    _writer.Dispose();
                    _writer = null;
                    try
                    {
                        LogCap.Rotate(_path!);
                    }
                    finally
                    {
                        _writer = Open(_path!);
                    }
                }

                _writer.Write(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
                _writer.Write(' ');
                _writer.Write(direction);
                _writer.Write(' ');
                _writer.WriteLine(text);
            }
            catch (IOException)
            {
                // A full disk must not end the VM's monitor (its reader calls this): the line is lost, not the VM.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private static StreamWriter Open(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
}
