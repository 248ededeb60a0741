namespace Hospes.Contracts;

public sealed record ImageInfo
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? Description { get; init; }
    public string DefaultCmdline { get; init; } = "";
    public DateTimeOffset? BuiltAt { get; init; }

    /// <summary>The image's disk in the store, when it has one (imported and built disk images).</summary>
    public string? Disk { get; init; }
    public long? VirtualSizeBytes { get; init; }
}
