namespace Hospes.Contracts;

/// <summary>`hospes host list`: a host this one trusts.</summary>
public sealed record HostPeerInfo
{
    public required string Name { get; init; }

    /// <summary>Where its hospesd listens for other hosts, e.g. 192.0.2.2:8443; null when it does not listen.</summary>
    public string? Address { get; init; }

    /// <summary>SHA-256 of its certificate (DER), lowercase hex: the only thing trust rests on.</summary>
    public required string Fingerprint { get; init; }

    public DateTimeOffset AddedAt { get; init; }
}
