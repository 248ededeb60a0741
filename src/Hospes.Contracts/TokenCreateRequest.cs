namespace Hospes.Contracts;

/// <summary>`hospes token create USER`.</summary>
public sealed record TokenCreateRequest
{
    /// <summary>The token's name among its user's (alice!ci); "default" when not given.</summary>
    public string? Name { get; init; }

    /// <summary>Null: never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>True: the token holds only what ACL entries for USER!NAME give it (and never more than its user).</summary>
    public bool PrivilegeSeparated { get; init; }
}
