using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host;

/// <summary>Hosts and trust: tokens, the hosts this one trusts, and what the TCP listener needs.</summary>
public sealed partial class HospesHost
{
    /// <summary>This host's certificate, with its key: the TCP listener's server certificate.</summary>
    public X509Certificate2 Certificate => Peers.Identity.Certificate;

    /// <summary>SHA-256 of this host's certificate (DER), lowercase hex.</summary>
    public string Fingerprint => Peers.Identity.Fingerprint;

    public Result<HostTokenInfo> CreatePeerToken() => Peers.CreateToken();

    public IReadOnlyList<HostPeerInfo> ListPeers() => Peers.List();

    public Task<Result<HostPeerInfo>> AddPeerAsync(HostAddRequest request, CancellationToken ct) =>
        Peers.AddAsync(request.Name, request.Address, request.Token, ct);

    public Result<HostPeerInfo> RemovePeer(string name) => Peers.Remove(name);

    /// <summary>Host to host: the caller proves it holds a token; <paramref name="clientCertificate"/> is who it is.</summary>
    public Result<PeerJoinResponse> JoinPeer(PeerJoinRequest request, X509Certificate2? clientCertificate, IPAddress? remote) =>
        Peers.Join(request, clientCertificate is null ? null : HostCertificate.FingerprintOf(clientCertificate), remote);

    /// <summary>The trusted host a TLS client certificate belongs to, or null.</summary>
    public PeerRecord? TrustedPeer(X509Certificate2? clientCertificate) =>
        clientCertificate is null ? null : Peers.FindByFingerprint(HostCertificate.FingerprintOf(clientCertificate));

    /// <summary>Who this host is, as told to other hosts (`GET /v1/peer/hello`).</summary>
    public PeerJoinResponse PeerHello() => new() { Name = Peers.HostName, Fingerprint = Fingerprint };

    /// <summary>Reaches a trusted host over its pinned TLS connection and asks who it is.</summary>
    public async Task<Result<PeerJoinResponse>> CheckPeerAsync(string name, CancellationToken ct)
    {
        Result<PeerApi> peer = Peers.Client(name);
        if (!peer.IsOk)
        {
            return peer.Error;
        }

        try
        {
            return await peer.Value.HelloAsync(ct).ConfigureAwait(false);
        }
        catch (HospesApiException e) when (e.Delivery == Delivery.Answered)
        {
            return HospesError.State($"host '{name}' refused: {(e.HasErrorBody ? e.Message : e.Status.ToString())}");
        }
        catch (HospesApiException e) when (e.TimedOut)
        {
            return new HospesError(ErrorCode.Timeout, $"host '{name}' did not answer in time");
        }
        catch (HospesApiException e)
        {
            Exception failure = e.InnerException ?? e;
            return HospesError.Unavailable($"cannot reach host '{name}': {failure.InnerException?.Message ?? failure.Message}");
        }
    }
}
