namespace Hospes.Contracts;

/// <summary>`hospes acl list`: one grant of a role to a user, group or token on a path (and below it when it propagates).</summary>
public sealed record AclEntryInfo
{
    public required string Path { get; init; }

    /// <summary>user, group or token.</summary>
    public required string SubjectKind { get; init; }

    /// <summary>alice, team3, or alice!ci for a token.</summary>
    public required string Subject { get; init; }

    public required string Role { get; init; }

    public bool Propagate { get; init; } = true;
}
