namespace Hospes.Contracts;

/// <summary>A new token: the string to present (Authorization: Bearer ...), sent this once and never again.</summary>
public sealed record TokenCreated
{
    public required string Token { get; init; }

    public required TokenInfo Info { get; init; }
}
