namespace Hospes.Api.Access;

/// <summary>One browser's login: its user, the CSRF token its changing requests send, and when it ends.</summary>
internal sealed record WebSession(string User, string Csrf, DateTimeOffset Expires);
