namespace Hospes.Contracts;

public sealed record DiskResizeRequest
{
    public long SizeBytes { get; init; }
}
