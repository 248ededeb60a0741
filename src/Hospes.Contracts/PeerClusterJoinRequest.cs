namespace Hospes.Contracts;

/// <summary>
/// Host to host, `POST /v1/peer/cluster/join` (a trusted host only): the joining host presents the cluster token's
/// second secret and says where its etcd member will listen.
/// </summary>
public sealed record PeerClusterJoinRequest
{
    public required string Secret { get; init; }

    public required string Name { get; init; }

    public required string PeerUrl { get; init; }

    public required string ClientUrl { get; init; }

    /// <summary>The VMs defined on the joining host, which it will own.</summary>
    public IReadOnlyList<string> Vms { get; init; } = [];

    /// <summary>The joining host's access data, one line per user, group, token, grant, …: the cluster must have each already.</summary>
    public IReadOnlyList<string> Access { get; init; } = [];

    /// <summary>The joining host's VMs with their projects and what each uses while running: the cluster's project limits must hold them (none from an older host: not checked).</summary>
    public IReadOnlyList<PeerClusterJoinVm>? Use { get; init; }
}

/// <summary>One VM of a joining host: its project, and the memory and vCPUs it counts against the project's limits (0 when stopped).</summary>
public sealed record PeerClusterJoinVm
{
    public required string Project { get; init; }

    public long MemoryMib { get; init; }

    public int Vcpus { get; init; }
}
