namespace Hospes.Api.Access;

/// <summary>
/// One browser's login: its user, the CSRF token its changing requests send, and when it ends. <see cref="PasswordStamp"/>
/// is the user's password fingerprint at the login (Logins.PasswordStamp): the session ends when it no longer matches.
/// </summary>
internal sealed record WebSession(string User, string Csrf, DateTimeOffset Expires)
{
    public string? PasswordStamp { get; init; }

    /// <summary>The API token a token login presented: every request checks it again (revoked or expired: the session ends).</summary>
    public string? Token { get; init; }
}
