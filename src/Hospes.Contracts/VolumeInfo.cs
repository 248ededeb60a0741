namespace Hospes.Contracts;

/// <summary>One file of the store: an image, a template's disk, a standalone disk or a disk a VM owns.</summary>
public sealed record VolumeInfo
{
    public required string Name { get; init; }

    /// <summary>A disk's or template's project, a VM's disk its VM's; null for an image (images are the host's).</summary>
    public string? Project { get; init; }

    /// <summary>image, template, disk or vm-disk.</summary>
    public required string Kind { get; init; }
    public required string Path { get; init; }
    public required string Format { get; init; }
    public long VirtualSizeBytes { get; init; }
    public long? ActualSizeBytes { get; init; }

    /// <summary>The volume this one is an overlay on, as "kind:name".</summary>
    public string? Backing { get; init; }

    /// <summary>The VM that owns it or that it is attached to.</summary>
    public string? Vm { get; init; }
    public string? Template { get; init; }
    public string? Checksum { get; init; }

    /// <summary>Volumes that are overlays on this one, as "kind:name (vm NAME)".</summary>
    public IReadOnlyList<string> Dependents { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}
