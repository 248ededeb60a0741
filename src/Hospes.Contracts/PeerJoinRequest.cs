namespace Hospes.Contracts;

/// <summary>
/// Host to host, `POST /v1/peer/join`: the joining host proves it holds a token's secret. Its identity is the
/// TLS client certificate it presents, not anything in this body.
/// </summary>
public sealed record PeerJoinRequest
{
    /// <summary>The token's secret, base64url.</summary>
    public required string Secret { get; init; }

    /// <summary>The joining host's name, under which the answering host stores it.</summary>
    public required string Name { get; init; }

    /// <summary>Where the joining host listens for other hosts; null when it does not.</summary>
    public string? Address { get; init; }
}
