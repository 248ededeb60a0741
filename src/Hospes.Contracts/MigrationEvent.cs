namespace Hospes.Contracts;

/// <summary>One line of a migration's progress stream (application/x-ndjson); "done" or "failed" is the last.</summary>
public sealed record MigrationEvent
{
    /// <summary>check, storage, progress, postcopy, switchover, done, or failed.</summary>
    public required string Event { get; init; }
    public string? Message { get; init; }
    public long ElapsedMs { get; init; }

    /// <summary>
    /// QEMU's stream state: setup, active, postcopy-active, device, completed...; on "failed", the error's code as error
    /// bodies give it (invalid_argument, unavailable, internal...).
    /// </summary>
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

    /// <summary>On done (and dry runs): what was checked on both hosts.</summary>
    public IReadOnlyList<MigrationCheck> Checks { get; init; } = [];

    /// <summary>The summary, on done.</summary>
    public MigrationSummary? Summary { get; init; }
}

/// <summary>One check before a migration; a failed one names what to do.</summary>
public sealed record MigrationCheck(string Name, bool Ok, string Message);

/// <summary>What a finished migration took.</summary>
public sealed record MigrationSummary
{
    public required string Vm { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }

    /// <summary>live (pre-copy), postcopy, paused (the guest was stopped for the copy), or dry-run.</summary>
    public required string Mode { get; init; }

    /// <summary>From the command to the guest confirmed running on the destination.</summary>
    public long TotalMs { get; init; }

    /// <summary>The guest's pause: its QEMU's stop on the source to its continue on the destination (QMP event times).</summary>
    public long? DowntimeMs { get; init; }

    /// <summary>QEMU's own figure (stop to end of stream, on the source).</summary>
    public long? QemuDowntimeMs { get; init; }
    public long TransferredBytes { get; init; }
    public long DiskBytes { get; init; }
    public int Passes { get; init; }
    public string? Note { get; init; }
}
