namespace Hospes.Contracts;

/// <summary>The answer to `POST /v1/peer/join`: who the joined host is.</summary>
public sealed record PeerJoinResponse
{
    public required string Name { get; init; }

    public required string Fingerprint { get; init; }
}
