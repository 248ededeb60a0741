namespace Hospes.Qemu.Qmp;

/// <summary>
/// Every QMP exchange of one VM, appended to a file, so a failure can be read afterwards (as Incus keeps qemu.qmp.log).
/// </summary>
public sealed class QmpLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter? _writer;
    private readonly TimeProvider _time;

    public QmpLog(string? path, TimeProvider time)
    {
        _time = time;
        if (path is not null)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    public void Write(string direction, string text)
    {
        if (_writer is null)
        {
            return;
        }

        lock (_gate)
        {
            _writer.Write(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            _writer.Write(' ');
            _writer.Write(direction);
            _writer.Write(' ');
            _writer.WriteLine(text);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
        }
    }
}
