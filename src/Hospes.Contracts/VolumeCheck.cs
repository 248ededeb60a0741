namespace Hospes.Contracts;

public sealed record VolumeCheck
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required string Path { get; init; }
    public bool Ok { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Why a volume was not fully checked (e.g. a running VM holds it).</summary>
    public string? Note { get; init; }
}
