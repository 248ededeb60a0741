using Hospes.Core.Errors;
using Hospes.Host.State;

namespace Hospes.Host.Migration.Evacuation;

/// <summary>An evacuation or restore of another member is that member's own work: asked over the trusted peer channel.</summary>
internal interface IEvacuationPeers
{
    /// <summary>The member's evacuation stream as it runs there; a refusal is one error event.</summary>
    IAsyncEnumerable<EvacuationStep> EvacuateAsync(PeerRecord host, EvacuationAsk request, CancellationToken ct);

    Task<Result<RestoreResult>> RestoreAsync(PeerRecord host, EvacuationAsk request, CancellationToken ct);
}
