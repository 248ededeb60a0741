namespace Hospes.Host.Memory;

/// <summary>One sample of the host's memory, in bytes.</summary>
internal sealed record MemoryHistoryPoint(DateTimeOffset At, long TotalBytes, long AvailableBytes, long CommittedBytes, long KsmSavedBytes);

/// <summary>
/// The host's memory over the last hour: a sample every <see cref="Period"/> at most, in a ring bounded by
/// <see cref="Window"/> (oldest dropped), in memory only (a restart of hospesd starts it again).
/// </summary>
internal sealed class MemoryHistory
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Queue<MemoryHistoryPoint> _points = new();
    private readonly Lock _gate = new();
    private MemoryHistoryPoint? _last;

    /// <summary>The most samples kept: one hour of them.</summary>
    public static int Capacity => (int)(Window / Period);

    /// <summary>True when a sample is due at <paramref name="now"/> (none yet, or the last is a period old).</summary>
    public bool Due(DateTimeOffset now)
    {
        lock (_gate)
        {
            // A little slack, so a 2 s timer's tick at 9.99 s does not wait a whole extra tick.
            return _last is null || now - _last.At >= Period - TimeSpan.FromMilliseconds(500);
        }
    }

    public void Add(MemoryHistoryPoint point)
    {
        lock (_gate)
        {
            _points.Enqueue(point);
            _last = point;
            while (_points.Count > Capacity || (_points.Count > 0 && point.At - _points.Peek().At > Window))
            {
                _points.Dequeue();
            }
        }
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<MemoryHistoryPoint> Points()
    {
        lock (_gate)
        {
            return [.. _points];
        }
    }
}
