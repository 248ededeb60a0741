using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Migration.Evacuation;

namespace Hospes.Host.Edge;

/// <summary>`hospes host evacuate|restore HOST`, and a member's request that this host evacuate or restore itself.</summary>
public sealed class EvacuationApi
{
    private readonly EvacuationService _evacuation;

    internal EvacuationApi(EvacuationService evacuation) => _evacuation = evacuation;

    /// <summary>Refuses before any stream starts what can be refused then (no cluster, bad mode, unknown or down host).</summary>
    public Task<HospesError?> CheckAsync(string host, string? mode, CancellationToken ct) => _evacuation.CheckAsync(host, mode, ct);

    public async Task<Result<EvacuationReport>> EvacuateAsync(string host, HostEvacuateRequest request, string by, Func<EvacuationEvent, Task> emit) =>
        ResultMap.Map(
            await _evacuation.EvacuateAsync(host, request.Mode, by, s => emit(EvacuationWire.ToWire(s)), CancellationToken.None).ConfigureAwait(false),
            EvacuationWire.ToWire);

    public async Task<Result<HostRestoreResult>> RestoreAsync(string host, string by, CancellationToken ct) =>
        ResultMap.Map(await _evacuation.RestoreAsync(host, by, ct).ConfigureAwait(false), EvacuationWire.ToWire);
}
