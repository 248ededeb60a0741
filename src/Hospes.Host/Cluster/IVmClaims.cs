using Hospes.Core.Errors;

namespace Hospes.Host.Cluster;

/// <summary>
/// VM ownership in a cluster: a VM is defined on a host only once that host owns its name there (a compare-create in
/// the cluster's store), so two hosts never own one VM. A host in no cluster owns every name it has.
/// </summary>
internal interface IVmClaims
{
    /// <summary>
    /// Null when this host now owns <paramref name="name"/> (or is in no cluster); else why not. The claim counts in
    /// <paramref name="project"/>; with <paramref name="admit"/> (a new VM, not a renamed one) only when the project's VM
    /// limit leaves room over the whole cluster.
    /// </summary>
    Task<HospesError?> ClaimAsync(string name, Guid uuid, string project, bool admit, CancellationToken ct);

    /// <summary>Each project's VMs over the whole cluster (from the claims); null in no cluster, or when the store cannot say.</summary>
    Task<IReadOnlyDictionary<string, ClusterProjectVms>?> ProjectVmsAsync(CancellationToken ct);

    /// <summary>Each project's running memory and vCPUs over the whole cluster (from `vmuse/`); null in no cluster, or when the store cannot say.</summary>
    Task<IReadOnlyDictionary<string, ClusterProjectUse>?> ProjectUseAsync(CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<string, ClusterProjectUse>?>(null);

    /// <summary>Gives up the name of a VM deleted here (best effort: a claim left behind is this host's, and taken again).</summary>
    Task ReleaseAsync(string name, CancellationToken ct);

    /// <summary>
    /// Before a VM arrives by migration from <paramref name="fromHost"/>: null unless a third host owns the name (then
    /// the migration is refused before anything is made here).
    /// </summary>
    Task<HospesError?> CheckArrivalAsync(string name, string fromHost, CancellationToken ct);

    /// <summary>
    /// At a migration's switch-over, before the guest continues here: the claim moves from <paramref name="fromHost"/>
    /// to this host in one transaction (compare owner == source); an unclaimed name is claimed. Null when this host owns it.
    /// </summary>
    Task<HospesError?> MoveHereAsync(string name, Guid uuid, string fromHost, CancellationToken ct);

    /// <summary>A switch-over that failed after <see cref="MoveHereAsync"/>: the claim goes back to <paramref name="toHost"/> (best effort, logged).</summary>
    Task MoveBackAsync(string name, Guid uuid, string toHost, CancellationToken ct);
}

/// <summary>A host in no cluster: nothing to claim.</summary>
internal sealed class NoVmClaims : IVmClaims
{
    public static readonly NoVmClaims Instance = new();

    public Task<HospesError?> ClaimAsync(string name, Guid uuid, string project, bool admit, CancellationToken ct) => Task.FromResult<HospesError?>(null);

    public Task<IReadOnlyDictionary<string, ClusterProjectVms>?> ProjectVmsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<string, ClusterProjectVms>?>(null);

    public Task ReleaseAsync(string name, CancellationToken ct) => Task.CompletedTask;

    public Task<HospesError?> CheckArrivalAsync(string name, string fromHost, CancellationToken ct) => Task.FromResult<HospesError?>(null);

    public Task<HospesError?> MoveHereAsync(string name, Guid uuid, string fromHost, CancellationToken ct) => Task.FromResult<HospesError?>(null);

    public Task MoveBackAsync(string name, Guid uuid, string toHost, CancellationToken ct) => Task.CompletedTask;
}
