namespace Hospes.Host.Cluster;

/// <summary>
/// A member host, in its `members/` key (no lease): how to reach it, and what it said when last seen, so a host that
/// is down still shows with its last figures.
/// </summary>
internal sealed record MemberRecord
{
    public required string Name { get; init; }

    /// <summary>Its hospesd's --listen (the peer channel).</summary>
    public string? Address { get; init; }

    /// <summary>Its hospesd's certificate (the pinned peer identity), SHA-256 hex.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The serial of its cluster certificate (`member.crt`, etcd's client and peer certificate), hex: what its removal revokes.</summary>
    public string? CertificateSerial { get; init; }

    public required string PeerUrl { get; init; }

    public required string ClientUrl { get; init; }

    public DateTimeOffset JoinedAt { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public HostResources? Resources { get; init; }
}
