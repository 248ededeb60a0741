namespace Hospes.Host.Cluster;

/// <summary>
/// How `cluster init`/`join` asks for the cluster's etcd: the ports of this host's own member (null: the settings
/// cluster.etcd_client_port/peer_port), or (init only) the client URLs of an etcd the admin runs, with the PEM text of
/// its CA and of a client certificate and key (each optional).
/// </summary>
internal sealed record EtcdChoice
{
    public int? ClientPort { get; init; }

    public int? PeerPort { get; init; }

    public IReadOnlyList<string> External { get; init; } = [];

    public string? CaPem { get; init; }

    public string? CertificatePem { get; init; }

    public string? KeyPem { get; init; }
}
