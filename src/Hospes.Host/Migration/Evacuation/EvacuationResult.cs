namespace Hospes.Host.Migration.Evacuation;

/// <summary>What an evacuation did; the host stays cordoned whatever is under <see cref="Failed"/>.</summary>
internal sealed record EvacuationResult
{
    public required string Host { get; init; }

    public required string Mode { get; init; }

    public IReadOnlyList<VmOutcome> Moved { get; init; } = [];

    public IReadOnlyList<VmOutcome> Stopped { get; init; } = [];

    public IReadOnlyList<VmOutcome> Left { get; init; } = [];

    public IReadOnlyList<VmOutcome> Failed { get; init; } = [];
}
