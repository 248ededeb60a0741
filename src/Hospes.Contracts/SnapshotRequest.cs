namespace Hospes.Contracts;

public sealed record SnapshotRequest
{
    public required string Name { get; init; }
}
