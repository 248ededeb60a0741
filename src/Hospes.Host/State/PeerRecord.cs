namespace Hospes.Host.State;

/// <summary>A host this one trusts: its certificate's fingerprint, and where it listens (e.g. "192.0.2.2:8443") if it does.</summary>
internal sealed record PeerRecord(string Name, string? Address, string Fingerprint, DateTimeOffset AddedAt);
