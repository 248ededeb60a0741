namespace Hospes.Contracts;

/// <summary>A browser's session (`POST /v1/session` opens it, `GET` shows it, `DELETE` ends it), or who the caller is without one.</summary>
public sealed record SessionInfo
{
    /// <summary>The user (the unix user of a local admin).</summary>
    public required string User { get; init; }

    /// <summary>alice, alice!ci, or root (unix socket).</summary>
    public required string Display { get; init; }

    /// <summary>
    /// The session's CSRF token: a request that logs in with the session cookie and changes anything (any method but GET
    /// and HEAD) sends it in header X-Hospes-CSRF. Null for a caller that did not log in with the cookie.
    /// </summary>
    public string? Csrf { get; init; }

    /// <summary>When the session ends (null without a session).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
