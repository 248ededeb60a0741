namespace Hospes.Host.Migration.Evacuation;

/// <summary>A restore: the evacuation's mode it undid, and what started again.</summary>
internal sealed record RestoreResult
{
    public required string Host { get; init; }

    public required string Mode { get; init; }

    public IReadOnlyList<string> Started { get; init; } = [];

    public IReadOnlyList<VmOutcome> Failed { get; init; } = [];
}
