namespace Hospes.Host.Access;

/// <summary>A TLS client certificate (its SHA-256 fingerprint) that logs in as a user; removing the row revokes it.</summary>
internal sealed record UserCertificateRecord(string Fingerprint, string User, string Name, DateTimeOffset CreatedAt);
