namespace Hospes.Contracts;

/// <summary>`hospes cluster join ADDR:PORT --token T`: join the cluster of the member at ADDR, which printed T.</summary>
public sealed record ClusterJoinRequest
{
    /// <summary>HOST:PORT of the member's hospesd --listen.</summary>
    public required string Address { get; init; }

    public required string Token { get; init; }
}
