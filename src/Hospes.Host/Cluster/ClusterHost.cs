namespace Hospes.Host.Cluster;

/// <summary>A member host as `cluster list` shows it.</summary>
/// <param name="Up">Its lease is alive (it kept it alive within the last TTL).</param>
/// <param name="EtcdRole">leader, voter, learner, or "none" when its etcd member is missing or not started.</param>
internal sealed record ClusterHost(MemberRecord Member, bool Up, HostResources? Resources, string EtcdRole, DateTimeOffset? LastSeen)
{
    /// <summary>It holds the cluster's leader key (the HA and scheduler leader).</summary>
    public bool Leader { get; init; }

    /// <summary>Its hospesd stopped cleanly while HA VMs ran there (`hafrozen/`): the leader moves none of its VMs.</summary>
    public bool Frozen { get; init; }
}
