using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Cluster;

/// <summary>What a host asks another about the cluster, over the trusted peer channel (pinned TLS both ways).</summary>
internal interface IClusterPeers
{
    /// <summary>Asks a member host to take this one into its cluster.</summary>
    Task<Result<ClusterJoinAnswer>> JoinAsync(PeerRecord member, ClusterJoinOffer offer, CancellationToken ct);
}

/// <summary>A host asks to join: the token's cluster secret, and where its etcd member will listen.</summary>
/// <param name="Vms">Names of the VMs defined on the joining host, which it will own in the cluster.</param>
internal sealed record ClusterJoinOffer(string Secret, string Name, string PeerUrl, string ClientUrl, IReadOnlyList<string> Vms)
{
    /// <summary>The joining host's access data, one line per thing (<see cref="Hospes.Host.Cluster.Access.AccessSnapshot.Items"/>): what the cluster must have already.</summary>
    public IReadOnlyList<string> Access { get; init; } = [];

    /// <summary>The joining host's VMs with their projects and what each counts while running (0 when stopped): the cluster's limits must hold them.</summary>
    public IReadOnlyList<VmUse> Use { get; init; } = [];
}

/// <summary>
/// The member's yes: the cluster, its CA (with key), its guest SSH key pair, and how the new etcd member starts — or,
/// on an admin's etcd (<see cref="External"/>), that etcd's PEM credentials (each optional). Its text shows the cluster
/// only: the keys must never reach a log.
/// </summary>
internal sealed record ClusterJoinAnswer(string Cluster, string CaCertificate, string CaKey, string InitialCluster, IReadOnlyList<string> Endpoints, bool Learner)
{
    public bool External { get; init; }

    public string? EtcdCa { get; init; }

    public string? EtcdCertificate { get; init; }

    public string? EtcdKey { get; init; }

    /// <summary>The cluster's guest SSH private key (OpenSSH); null from a member older than this hospes.</summary>
    public string? SshKey { get; init; }

    /// <summary>Its public line.</summary>
    public string? SshPublicKey { get; init; }

    /// <summary>The cluster's name only: the rest holds private keys.</summary>
    public override string ToString() => $"ClusterJoinAnswer {{ Cluster = {Cluster}, Learner = {Learner}, External = {External} }}";
}
