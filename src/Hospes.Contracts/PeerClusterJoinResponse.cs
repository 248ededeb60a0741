namespace Hospes.Contracts;

/// <summary>The member's yes to a joining host: the cluster, its CA with key, and how its etcd member starts.</summary>
public sealed record PeerClusterJoinResponse
{
    public required string Cluster { get; init; }

    public required string CaCertificate { get; init; }

    public required string CaKey { get; init; }

    /// <summary>etcd's --initial-cluster for the new member.</summary>
    public required string InitialCluster { get; init; }

    public IReadOnlyList<string> Endpoints { get; init; } = [];

    public bool Learner { get; init; }
}
