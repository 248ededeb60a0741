namespace Hospes.Contracts;

public sealed record DiskCreateRequest
{
    public required string Name { get; init; }
    public long SizeBytes { get; init; }
    public string Format { get; init; } = "qcow2";
}
