
namespace Hospes.Host.Migration;

/// <summary>One outgoing migration as the source's VM actor runs it.</summary>
internal sealed record MigrationPlan
{
    public required IMigrationTarget Target { get; init; }
    public required string SourceHost { get; init; }
    public bool Offline { get; init; }
    public bool CopyStorage { get; init; }
    public int DowntimeMs { get; init; } = MigrationDefaults.DowntimeMs;
    public bool Postcopy { get; init; }
    public bool DryRun { get; init; }
    /// <summary>Leave QEMU's defaults (bandwidth cap, downtime limit, no auto-converge): for comparison only.</summary>
    public bool QemuDefaults { get; init; }

    public TimeSpan ConvergeTimeout { get; init; } = MigrationDefaults.ConvergeTimeout;
    public required Func<MigrationEvent, Task> Emit { get; init; }

    /// <summary>`hospes migrate --cancel`: honoured until the switch-over.</summary>
    public CancellationToken Cancel { get; init; }
}
