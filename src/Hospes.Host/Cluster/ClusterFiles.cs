namespace Hospes.Host.Cluster;

/// <summary>Where a member host keeps its cluster's things: `&lt;state&gt;/cluster/` (0700).</summary>
internal sealed class ClusterFiles(string stateDir)
{
    public string Dir { get; } = Path.Combine(stateDir, "cluster");

    public string Config => Path.Combine(Dir, "cluster.json");

    public string CaCertificate => Path.Combine(Dir, "ca.crt");

    public string CaKey => Path.Combine(Dir, "ca.key");

    public string MemberCertificate => Path.Combine(Dir, "member.crt");

    public string MemberKey => Path.Combine(Dir, "member.key");

    /// <summary>The cluster's CRL (DER) as etcd reads it at each new connection (`--client-crl-file`, `--peer-crl-file`).</summary>
    public string Crl => Path.Combine(Dir, "revoked.crl");

    /// <summary>An admin's etcd (init --etcd): the CA its server certificate is checked against (none: the system's).</summary>
    public string ExternalCa => Path.Combine(Dir, "etcd-ca.crt");

    /// <summary>An admin's etcd: the client certificate and key Hospes presents (none: no client certificate).</summary>
    public string ExternalCertificate => Path.Combine(Dir, "etcd-client.crt");

    public string ExternalKey => Path.Combine(Dir, "etcd-client.key");

    public string EtcdData => Path.Combine(Dir, "etcd");

    public string EtcdLog => Path.Combine(Dir, "etcd.log");

    public string EtcdPid => Path.Combine(Dir, "etcd.pid");
}
