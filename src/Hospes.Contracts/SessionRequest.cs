namespace Hospes.Contracts;

/// <summary>`POST /v1/session`: the web UI's login with a user's name and password.</summary>
public sealed record SessionRequest
{
    public string? User { get; init; }

    public string? Password { get; init; }

    /// <summary>
    /// An API token (hospes_ID_SECRET) instead of user and password: the session then does what the token may, and ends
    /// when the token is revoked or expires.
    /// </summary>
    public string? Token { get; init; }
}
