namespace Hospes.Contracts;

/// <summary>`hospes group create`.</summary>
public sealed record GroupCreateRequest
{
    public required string Name { get; init; }
}
