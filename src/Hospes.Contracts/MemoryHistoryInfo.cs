namespace Hospes.Contracts;

/// <summary>The host's memory over the last hour, as hospesd sampled it (the web UI's Host chart). MiB.</summary>
public sealed record HostMemoryHistoryInfo
{
    /// <summary>Seconds between two samples.</summary>
    public int IntervalS { get; init; }

    /// <summary>How far back the samples reach at most, in seconds.</summary>
    public int WindowS { get; init; }

    /// <summary>Oldest first.</summary>
    public required IReadOnlyList<HostMemoryPoint> Samples { get; init; }
}

/// <summary>One sample of the host's memory.</summary>
public sealed record HostMemoryPoint
{
    public DateTimeOffset At { get; init; }
    public long TotalMib { get; init; }
    public long AvailableMib { get; init; }
    public long CommittedMib { get; init; }
    public long KsmSavedMib { get; init; }
}
