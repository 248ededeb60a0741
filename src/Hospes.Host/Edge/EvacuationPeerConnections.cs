using System.Net;
using System.Runtime.CompilerServices;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Evacuation;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>Evacuations of other members, asked over the peer connections kept for trusted hosts.</summary>
internal sealed class EvacuationPeerConnections(PeerConnections peers) : IEvacuationPeers
{
    public async IAsyncEnumerable<EvacuationEvent> EvacuateAsync(PeerRecord host, PeerHostEvacuateRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        IAsyncEnumerator<EvacuationEvent> stream = peers.Api(host).ClusterEvacuateAsync(request, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                EvacuationEvent? next;
                try
                {
                    next = await stream.MoveNextAsync().ConfigureAwait(false) ? stream.Current : null;
                }
                catch (HospesApiException e)
                {
                    next = new EvacuationEvent { Event = "error", Message = Describe(host, e).Message };
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

    public async Task<Result<HostRestoreResult>> RestoreAsync(PeerRecord host, PeerHostEvacuateRequest request, CancellationToken ct)
    {
        try
        {
            return await peers.Api(host).ClusterRestoreAsync(request, ct).ConfigureAwait(false);
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
