namespace Hospes.Contracts;

/// <summary>`POST /v1/session`: the web UI's login with a user's name and password.</summary>
public sealed record SessionRequest
{
    public string? User { get; init; }

    public string? Password { get; init; }
}
