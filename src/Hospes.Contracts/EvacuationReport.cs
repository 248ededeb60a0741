namespace Hospes.Contracts;

/// <summary>What an evacuation did: the host stays cordoned whatever is listed under Failed.</summary>
public sealed record EvacuationReport
{
    public required string Host { get; init; }

    public required string Mode { get; init; }

    public IReadOnlyList<EvacuatedVm> Moved { get; init; } = [];

    public IReadOnlyList<EvacuatedVm> Stopped { get; init; } = [];

    /// <summary>VMs that stay on the host and need not move: they do not run.</summary>
    public IReadOnlyList<EvacuatedVm> Left { get; init; } = [];

    /// <summary>VMs that could not move or stop, each with why: they still run on the host.</summary>
    public IReadOnlyList<EvacuatedVm> Failed { get; init; } = [];
}
