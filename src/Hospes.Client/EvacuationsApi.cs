using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>`hospes host evacuate|restore HOST`: a cluster member's VMs leave it (or stop), and it takes none until restored.</summary>
public sealed class EvacuationsApi
{
    private readonly HospesConnection _c;

    internal EvacuationsApi(HospesConnection connection) => _c = connection;

    /// <summary>Evacuates <paramref name="host"/>, one event per step; "done" (with the report) or "error" is the last. A refusal throws before the first.</summary>
    public IAsyncEnumerable<EvacuationEvent> EvacuateAsync(string host, HostEvacuateRequest request, CancellationToken ct) =>
        _c.StreamAsync<EvacuationEvent>(HttpMethod.Post, Routes.Path(Routes.ClusterHostEvacuate, host), request, ct);

    /// <summary>Takes <paramref name="host"/> back into service; what a stop-mode evacuation stopped starts again.</summary>
    public Task<HostRestoreResult> RestoreAsync(string host, CancellationToken ct) =>
        _c.SendAsync<HostRestoreResult>(HttpMethod.Post, Routes.Path(Routes.ClusterHostRestore, host), null, ct);
}
