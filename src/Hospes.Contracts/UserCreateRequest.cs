namespace Hospes.Contracts;

/// <summary>`hospes user create`.</summary>
public sealed record UserCreateRequest
{
    public required string Name { get; init; }

    /// <summary>Null: no password (tokens and certificates only). Stored hashed; never sent back.</summary>
    public string? Password { get; init; }

    /// <summary>Null: never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
