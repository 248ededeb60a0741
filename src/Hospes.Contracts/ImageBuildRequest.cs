namespace Hospes.Contracts;

public sealed record ImageBuildRequest
{
    /// <summary>tiny or debian.</summary>
    public required string Kind { get; init; }

    /// <summary>The image's name in the store; the kind's name when left out.</summary>
    public string? Name { get; init; }
    public bool Force { get; init; }

    /// <summary>Debian release for debian images (bookworm when left out).</summary>
    public string? Release { get; init; }
    public long? SizeBytes { get; init; }

    /// <summary>Kernel of a tiny image: cloud (default; virtio only) or generic (slower to boot; drives e1000 NICs).</summary>
    public string? Kernel { get; init; }
}
