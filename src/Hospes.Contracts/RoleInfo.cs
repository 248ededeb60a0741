namespace Hospes.Contracts;

/// <summary>`hospes role list|show`: a role and its privileges; built-in roles cannot be changed or deleted.</summary>
public sealed record RoleInfo
{
    public required string Name { get; init; }

    public IReadOnlyList<string> Privileges { get; init; } = [];

    public bool BuiltIn { get; init; }
}
