namespace Hospes.Contracts;

public sealed record SnapshotInfo
{
    public required string Name { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Bytes of saved guest memory; 0 for a disk-only snapshot of a stopped VM.</summary>
    public long VmStateBytes { get; init; }

    /// <summary>The guest disks (vdev) that hold it.</summary>
    public IReadOnlyList<string> Disks { get; init; } = [];
}
