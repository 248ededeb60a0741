namespace Hospes.Contracts;

/// <summary>`hospes cluster join ADDR:PORT --token T`: join the cluster of the member at ADDR, which printed T.</summary>
public sealed record ClusterJoinRequest
{
    /// <summary>HOST:PORT of the member's hospesd --listen.</summary>
    public required string Address { get; init; }

    public required string Token { get; init; }

    /// <summary>The client port of this host's etcd member (default: the setting cluster.etcd_client_port, 2379).</summary>
    public int? EtcdPort { get; init; }

    /// <summary>The peer port of this host's etcd member (default: the setting cluster.etcd_peer_port, 2380).</summary>
    public int? EtcdPeerPort { get; init; }
}
