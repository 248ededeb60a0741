namespace Hospes.Qemu.Qmp;

/// <summary>
/// What query-migrate says: the stream's state and, while RAM moves, its figures. Times in ms, sizes in bytes;
/// a figure QEMU does not give (yet) is 0, or null where 0 would be a real value.
/// </summary>
public sealed record MigrationStatus(string Status, string? Error, long TransferredBytes)
{
    public bool IsCompleted => Status == "completed";

    public bool IsFailed => Status is "failed" or "cancelled";

    /// <summary>The guest runs on the destination and pulls the pages it still lacks (post-copy).</summary>
    public bool IsPostcopy => Status.StartsWith("postcopy", StringComparison.Ordinal);

    public long RemainingBytes { get; init; }

    public long TotalBytes { get; init; }

    /// <summary>Bytes per second the guest dirties (QEMU: pages/s times page size).</summary>
    public long DirtyBytesPerSecond { get; init; }

    /// <summary>How many times QEMU synchronised the dirty bitmap: the pass over RAM it is in.</summary>
    public int Passes { get; init; }

    public double Mbps { get; init; }

    public long TotalTimeMs { get; init; }

    public long? ExpectedDowntimeMs { get; init; }

    /// <summary>QEMU's own downtime: from the source's stop to the end of the stream (not the destination's start).</summary>
    public long? DowntimeMs { get; init; }

    public long SetupTimeMs { get; init; }

    /// <summary>auto-converge's throttle of the guest's vCPUs, in percent.</summary>
    public int ThrottlePercent { get; init; }

    /// <summary>On a destination listening for a stream: the port it listens on (asked with port 0).</summary>
    public int? ListeningPort { get; init; }
}
