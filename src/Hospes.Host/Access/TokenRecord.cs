namespace Hospes.Host.Access;

/// <summary>
/// An API token as stored: its id (the lookup key in the presented string), its user and name, the SHA-256 of its
/// secret only, an optional end, and whether it is privilege-separated (own ACL entries ∩ its user's) or full (its user's).
/// Revoking deletes the row.
/// </summary>
internal sealed record TokenRecord(string Id, string User, string Name, string SecretSha256, DateTimeOffset? Expires, bool PrivilegeSeparated, DateTimeOffset CreatedAt);
