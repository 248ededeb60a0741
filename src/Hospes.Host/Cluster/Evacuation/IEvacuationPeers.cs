using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Cluster.Evacuation;

/// <summary>An evacuation or restore of another member is that member's own work: asked over the trusted peer channel.</summary>
internal interface IEvacuationPeers
{
    /// <summary>The member's evacuation stream as it runs there; a refusal is one error event.</summary>
    IAsyncEnumerable<EvacuationEvent> EvacuateAsync(PeerRecord host, PeerHostEvacuateRequest request, CancellationToken ct);

    Task<Result<HostRestoreResult>> RestoreAsync(PeerRecord host, PeerHostEvacuateRequest request, CancellationToken ct);
}
