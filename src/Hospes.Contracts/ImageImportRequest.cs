namespace Hospes.Contracts;

/// <summary>A disk image file (vmdk, vdi, vhdx, vpc, qcow2, raw) to convert into the store as a qcow2 image.</summary>
public sealed record ImageImportRequest
{
    public required string Path { get; init; }
    public required string Name { get; init; }

    /// <summary>The source's format; null lets qemu-img probe it.</summary>
    public string? Format { get; init; }
}
