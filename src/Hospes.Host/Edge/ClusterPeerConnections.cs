using System.Net;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>The cluster's calls to other members, over the peer connections kept for trusted hosts.</summary>
internal sealed class ClusterPeerConnections(PeerConnections peers) : IClusterPeers
{
    public async Task<Result<ClusterJoinAnswer>> JoinAsync(PeerRecord member, ClusterJoinOffer offer, CancellationToken ct)
    {
        var request = new PeerClusterJoinRequest
        {
            Secret = offer.Secret,
            Name = offer.Name,
            PeerUrl = offer.PeerUrl,
            ClientUrl = offer.ClientUrl,
            Vms = offer.Vms,
            Access = offer.Access,
            Use = [.. offer.Use.Select(v => new PeerClusterJoinVm { Project = v.Project, MemoryMib = v.MemoryMiB, Vcpus = v.Vcpus })],
        };
        try
        {
            PeerClusterJoinResponse a = await peers.Api(member).ClusterJoinAsync(request, ct).ConfigureAwait(false);
            return new ClusterJoinAnswer(a.Cluster, a.CaCertificate, a.CaKey, a.InitialCluster, a.Endpoints, a.Learner)
            {
                External = a.External,
                EtcdCa = a.EtcdCa,
                EtcdCertificate = a.EtcdCert,
                EtcdKey = a.EtcdKey,
                SshKey = a.SshKey,
                SshPublicKey = a.SshPublicKey,
            };
        }
        catch (HospesApiException e) when (e.Delivery == Delivery.Answered)
        {
            string message = e.HasErrorBody ? e.Message : $"host '{member.Name}' answered {(int?)e.Status} {e.Reason}";
            return e.Status switch
            {
                HttpStatusCode.Conflict => HospesError.Conflict(message),
                HttpStatusCode.ServiceUnavailable => HospesError.Unavailable(message),
                _ => HospesError.Invalid(message),
            };
        }
        catch (HospesApiException e)
        {
            Exception failure = e.InnerException ?? e;
            return HospesError.Unavailable($"cannot reach host '{member.Name}' at {member.Address}: {failure.InnerException?.Message ?? failure.Message}");
        }
    }
}
