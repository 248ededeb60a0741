using Hospes.Core.Errors;

namespace Hospes.Host.Cluster;

/// <summary>
/// VM ownership in a cluster: a VM is defined on a host only once that host owns its name there (a compare-create in
/// the cluster's store), so two hosts never own one VM. A host in no cluster owns every name it has.
/// </summary>
internal interface IVmClaims
{
    /// <summary>Null when this host now owns <paramref name="name"/> (or is in no cluster); else why not.</summary>
    Task<HospesError?> ClaimAsync(string name, Guid uuid, CancellationToken ct);

    /// <summary>Gives up the name of a VM deleted here (best effort: a claim left behind is this host's, and taken again).</summary>
    Task ReleaseAsync(string name, CancellationToken ct);
}

/// <summary>A host in no cluster: nothing to claim.</summary>
internal sealed class NoVmClaims : IVmClaims
{
    public static readonly NoVmClaims Instance = new();

    public Task<HospesError?> ClaimAsync(string name, Guid uuid, CancellationToken ct) => Task.FromResult<HospesError?>(null);

    public Task ReleaseAsync(string name, CancellationToken ct) => Task.CompletedTask;
}
