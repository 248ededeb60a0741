namespace Hospes.Contracts;

/// <summary>`hospes host restore HOST`: HOST takes VMs again; what a stop-mode evacuation stopped starts again.</summary>
public sealed record HostRestoreResult
{
    public required string Host { get; init; }

    /// <summary>The evacuation's mode that is undone.</summary>
    public required string Mode { get; init; }

    public IReadOnlyList<string> Started { get; init; } = [];

    public IReadOnlyList<EvacuatedVm> Failed { get; init; } = [];
}
