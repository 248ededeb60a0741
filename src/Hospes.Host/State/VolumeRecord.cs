namespace Hospes.Host.State;

/// <summary>One file of the store as the state DB knows it.</summary>
internal sealed record VolumeRecord
{
    public long Id { get; init; }
    public required VolumeKind Kind { get; init; }

    /// <summary>Unique per kind: the image, template/vdev, disk, or vm-uuid/vdev.</summary>
    public required string Name { get; init; }
    public required string Path { get; init; }
    public required string Format { get; init; }
    public long VirtualSize { get; init; }

    /// <summary>The volume this one's qcow2 backing file is; null for a standalone file.</summary>
    public long? BackingId { get; init; }

    /// <summary>The VM that owns it (VmDisk) or that it is attached to (Disk).</summary>
    public Guid? Vm { get; init; }

    /// <summary>The template it belongs to (Template).</summary>
    public string? Template { get; init; }

    /// <summary>sha256 of a read-only base when it was made; `disk check` compares it.</summary>
    public string? Checksum { get; init; }

    /// <summary>The project of a standalone disk (issue 14); a VM's disks and a template's follow their owner, an image has none.</summary>
    public string Project { get; init; } = StateDb.DefaultProject;
    public DateTimeOffset CreatedAt { get; init; }
}
