namespace Hospes.Contracts;

/// <summary>`hospes group list`: a group and its members.</summary>
public sealed record GroupInfo
{
    public required string Name { get; init; }

    public IReadOnlyList<string> Members { get; init; } = [];
}
