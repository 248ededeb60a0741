using System.Text;

namespace Hospes.Core.Processes;

/// <summary>Reads one of a tool's output streams to its end, keeping at most a bound of it; what was kept can be read at any time.</summary>
internal sealed class OutputCapture
{
    private readonly StringBuilder _text = new();
    private readonly int _limit;
    private readonly Lock _lock = new();
    private bool _truncated;

    private OutputCapture(int limit)
    {
        _limit = limit;
    }

    /// <summary>Done when the stream reached its end: every process that held it has closed it.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public bool Truncated
    {
        get
        {
            lock (_lock)
            {
                return _truncated;
            }
        }
    }

    public static OutputCapture Start(StreamReader reader, int limit)
    {
        var capture = new OutputCapture(limit);
        capture.Completion = capture.ReadAsync(reader);
        return capture;
    }

    private async Task ReadAsync(StreamReader reader)
    {
        char[] buffer = new char[8192];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                Keep(buffer.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The run is over and its pipes were closed under the read: what was kept is all there is.
        }
    }

    private void Keep(ReadOnlySpan<char> chunk)
    {
        lock (_lock)
        {
            int room = Math.Max(0, _limit - _text.Length);
            _text.Append(chunk[..Math.Min(room, chunk.Length)]);
            _truncated |= chunk.Length > room;
        }
    }
}
