namespace Hospes.Contracts;

/// <summary>This host's cluster: what init and join made, and what leave ended.</summary>
public sealed record ClusterInfo
{
    public required string Name { get; init; }

    /// <summary>This host's name in the cluster (its etcd member's).</summary>
    public required string Member { get; init; }

    /// <summary>Where this host's etcd member serves clients (mutual TLS with the cluster's CA).</summary>
    public required string EtcdUrl { get; init; }

    /// <summary>This host's etcd member does not vote (the cluster had its voters already).</summary>
    public bool Learner { get; init; }

    /// <summary>The cluster uses an etcd its admin runs (init --etcd); <see cref="EtcdUrl"/> is its first URL.</summary>
    public bool External { get; init; }

    public DateTimeOffset JoinedAt { get; init; }
}
