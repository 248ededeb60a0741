namespace Hospes.Contracts;

/// <summary>`hospes fork VM NAME --count N`: N running copies of a running VM that share its memory copy-on-write.</summary>
public sealed record ForkRequest
{
    /// <summary>The fork's name, or a pattern with {i} for 1..Count.</summary>
    public required string Name { get; init; }

    public int Count { get; init; } = 1;
}
