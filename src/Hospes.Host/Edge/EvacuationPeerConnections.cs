using System.Net;
using System.Runtime.CompilerServices;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Migration.Evacuation;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>Evacuations of other members, asked over the peer connections kept for trusted hosts.</summary>
internal sealed class EvacuationPeerConnections(PeerConnections peers) : IEvacuationPeers
{
    public async IAsyncEnumerable<EvacuationStep> EvacuateAsync(PeerRecord host, EvacuationAsk request, [EnumeratorCancellation] CancellationToken ct)
    {
        IAsyncEnumerator<EvacuationEvent> stream = peers.Api(host).ClusterEvacuateAsync(new PeerHostEvacuateRequest { Mode = request.Mode, By = request.By }, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                EvacuationStep? next;
                try
                {
                    next = await stream.MoveNextAsync().ConfigureAwait(false) ? EvacuationWire.ToDomain(stream.Current) : null;
                }
                catch (HospesApiException e)
                {
                    next = new EvacuationStep { Event = "error", Message = Describe(host, e).Message };
                }

                if (next is null)
                {
                    yield break;
                }

                yield return next;
                if (next.Event == "error")
                {
                    yield break;
                }
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task<Result<RestoreResult>> RestoreAsync(PeerRecord host, EvacuationAsk request, CancellationToken ct)
    {
        try
        {
            return EvacuationWire.ToDomain(await peers.Api(host).ClusterRestoreAsync(new PeerHostEvacuateRequest { Mode = request.Mode, By = request.By }, ct).ConfigureAwait(false));
        }
        catch (HospesApiException e)
        {
            return Describe(host, e);
        }
    }

    private static HospesError Describe(PeerRecord host, HospesApiException e)
    {
        if (e.Delivery == Delivery.Answered)
        {
            string message = e.HasErrorBody ? e.Message : $"host '{host.Name}' answered {(int?)e.Status} {e.Reason}";
            return e.Status switch
            {
                HttpStatusCode.Conflict => HospesError.Conflict(message),
                HttpStatusCode.NotFound => HospesError.NotFound(message),
                HttpStatusCode.ServiceUnavailable => HospesError.Unavailable(message),
                _ => HospesError.State(message),
            };
        }

        Exception failure = e.InnerException ?? e;
        return HospesError.Unavailable($"cannot reach host '{host.Name}' at {host.Address}: {failure.InnerException?.Message ?? failure.Message}");
    }
}
