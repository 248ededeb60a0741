namespace Hospes.Contracts;

/// <summary>
/// One line of an evacuation's stream: cordoned, migrating (a VM and its destination), migration (a step of its
/// migration: Phase, bytes), moved, stopped, left, failed (a VM, why), then done (with the report) or error last.
/// </summary>
public sealed record EvacuationEvent
{
    public required string Event { get; init; }

    public string? Vm { get; init; }

    public string? To { get; init; }

    /// <summary>On a migration event: the migration's own step (check, storage, progress, switchover).</summary>
    public string? Phase { get; init; }

    public long? Done { get; init; }

    public long? Total { get; init; }

    public string? Message { get; init; }

    /// <summary>On done: the whole evacuation.</summary>
    public EvacuationReport? Report { get; init; }
}
