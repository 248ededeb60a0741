namespace Hospes.Host.Migration;

/// <summary>What a finished (or dry-run) migration took.</summary>
internal sealed record MigrationSummary
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
