namespace Hospes.Storage.Images;

/// <summary>An image in the store that can boot directly: a kernel, maybe an initrd, and their default parameters.</summary>
public sealed record BootImage
{
    public required string Name { get; init; }
    public required string Kernel { get; init; }
    public string? Initrd { get; init; }
    public string DefaultCmdline { get; init; } = "";
    public string Kind { get; init; } = "kernel";
    public DateTimeOffset? BuiltAt { get; init; }
}
