namespace Hospes.Contracts;

/// <summary>`hospes role create NAME --privileges VM.Audit,VM.Console`.</summary>
public sealed record RoleCreateRequest
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Privileges { get; init; }
}
