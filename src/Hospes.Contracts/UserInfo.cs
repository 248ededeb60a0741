namespace Hospes.Contracts;

/// <summary>`hospes user list|show`: a user; its password (only whether it has one) is never sent.</summary>
public sealed record UserInfo
{
    public required string Name { get; init; }

    public bool Enabled { get; init; }

    /// <summary>When the user stops being able to log in; null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>It may log in with a password (else only with tokens or a certificate).</summary>
    public bool HasPassword { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>How many API tokens it has (`hospes token list USER` shows them).</summary>
    public int Tokens { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
