namespace Hospes.Contracts;

/// <summary>`hospes token list`: an API token without its secret (hospesd keeps only the secret's SHA-256).</summary>
public sealed record TokenInfo
{
    public required string User { get; init; }

    public required string Name { get; init; }

    /// <summary>The id in the token string (hospes_ID_SECRET): which token a request used; not a secret.</summary>
    public required string Id { get; init; }

    /// <summary>Null: never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>True: only what ACL entries give the token itself (within its user's); false: all its user may do.</summary>
    public bool PrivilegeSeparated { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
