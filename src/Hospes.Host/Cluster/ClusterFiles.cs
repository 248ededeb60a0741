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

    public string EtcdData => Path.Combine(Dir, "etcd");

    public string EtcdLog => Path.Combine(Dir, "etcd.log");

    public string EtcdPid => Path.Combine(Dir, "etcd.pid");
}
