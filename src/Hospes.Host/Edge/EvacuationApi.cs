using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Evacuation;

namespace Hospes.Host.Edge;

/// <summary>`hospes host evacuate|restore HOST`, and a member's request that this host evacuate or restore itself.</summary>
public sealed class EvacuationApi
{
    private readonly EvacuationService _evacuation;

    internal EvacuationApi(EvacuationService evacuation) => _evacuation = evacuation;

    /// <summary>Refuses before any stream starts what can be refused then (no cluster, bad mode, unknown or down host).</summary>
    public Task<HospesError?> CheckAsync(string host, string? mode, CancellationToken ct) => _evacuation.CheckAsync(host, mode, ct);

    public Task<Result<EvacuationReport>> EvacuateAsync(string host, HostEvacuateRequest request, string by, Func<EvacuationEvent, Task> emit) =>
        _evacuation.EvacuateAsync(host, request.Mode, by, emit, CancellationToken.None);

    public Task<Result<HostRestoreResult>> RestoreAsync(string host, string by, CancellationToken ct) => _evacuation.RestoreAsync(host, by, ct);
}
