namespace Hospes.Contracts;

/// <summary>`hospes cluster init [--name N]`: a new cluster of this host alone.</summary>
public sealed record ClusterInitRequest
{
    /// <summary>The cluster's name (default "hospes").</summary>
    public string? Name { get; init; }

    /// <summary>The client port of this host's etcd member (default: the setting cluster.etcd_client_port, 2379).</summary>
    public int? EtcdPort { get; init; }

    /// <summary>The peer port of this host's etcd member (default: the setting cluster.etcd_peer_port, 2380).</summary>
    public int? EtcdPeerPort { get; init; }

    /// <summary>Client URLs of an etcd the admin runs (https://HOST:PORT, comma-separated): no etcd member is started.</summary>
    public string? Etcd { get; init; }

    /// <summary>PEM of the CA that signed that etcd's server certificate (none: the system's trust).</summary>
    public string? EtcdCa { get; init; }

    /// <summary>PEM of the client certificate Hospes presents to that etcd (with <see cref="EtcdKey"/>).</summary>
    public string? EtcdCert { get; init; }

    /// <summary>PEM of that client certificate's private key.</summary>
    public string? EtcdKey { get; init; }
}
