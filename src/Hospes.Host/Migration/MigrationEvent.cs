namespace Hospes.Host.Migration;

/// <summary>One step of an outgoing migration, told to whoever asked for it while it runs.</summary>
internal sealed record MigrationEvent
{
    /// <summary>check, storage, progress, postcopy or switchover.</summary>
    public required string Event { get; init; }
    public string? Message { get; init; }
    public long ElapsedMs { get; init; }

    /// <summary>QEMU's stream state: setup, active, postcopy-active, device, completed...</summary>
    public string? Status { get; init; }
    public long TransferredBytes { get; init; }
    public long RemainingBytes { get; init; }
    public long TotalBytes { get; init; }
    public long DirtyBytesPerSecond { get; init; }
    public int Pass { get; init; }
    public long? ExpectedDowntimeMs { get; init; }
    public double Mbps { get; init; }
    public int ThrottlePercent { get; init; }
    public long DiskCopiedBytes { get; init; }
    public long DiskTotalBytes { get; init; }

    /// <summary>On a check event: the check.</summary>
    public IReadOnlyList<MigrationCheck> Checks { get; init; } = [];
}
