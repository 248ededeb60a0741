namespace Hospes.Host.Access;

/// <summary>A user: a password (its hash, <see cref="PasswordHash"/>; null: tokens and certificates only), an optional end, on or off.</summary>
internal sealed record UserRecord(string Name, string? PasswordHash, DateTimeOffset? Expires, bool Enabled, DateTimeOffset CreatedAt);
