using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Json;
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
        Result<HttpClient> client = Peers.Client(name);
        if (!client.IsOk)
        {
            return client.Error;
        }

        try
        {
            using HttpResponseMessage response = await client.Value.GetAsync(new Uri("v1/peer/hello", UriKind.Relative), ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                ErrorBody? body = await response.Content.ReadFromJsonAsync<ErrorBody>(HospesJson.Options, ct).ConfigureAwait(false);
                return HospesError.State($"host '{name}' refused: {body?.Error.Message ?? response.StatusCode.ToString()}");
            }

            return (await response.Content.ReadFromJsonAsync<PeerJoinResponse>(HospesJson.Options, ct).ConfigureAwait(false))!;
        }
        catch (HttpRequestException e)
        {
            return HospesError.Unavailable($"cannot reach host '{name}': {e.InnerException?.Message ?? e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HospesError(ErrorCode.Timeout, $"host '{name}' did not answer in time");
        }
    }
}
