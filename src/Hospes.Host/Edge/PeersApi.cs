using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>
/// Hosts and trust as the API shows them: tokens and the hosts this one trusts (`hospes host ...`), what other hosts
/// ask (join, hello), and who a TLS caller is. Wire requests in, the peer floor's calls, wire records or errors out.
/// </summary>
public sealed class PeersApi
{
    private readonly PeerService _peers;

    internal PeersApi(PeerService peers) => _peers = peers;

    /// <summary>This host's certificate, with its key: the TCP listener's server certificate.</summary>
    public X509Certificate2 Certificate => _peers.Identity.Certificate;

    /// <summary>SHA-256 of this host's certificate (DER), lowercase hex.</summary>
    public string Fingerprint => _peers.Identity.Fingerprint;

    public Result<HostTokenInfo> CreateToken() => ResultMap.Map(_peers.CreateToken(), t => new HostTokenInfo { Token = t.Encode(), ExpiresAt = t.ExpiresAt });

    public IReadOnlyList<HostPeerInfo> List() => [.. _peers.List().Select(Info)];

    public async Task<Result<HostPeerInfo>> AddAsync(HostAddRequest request, CancellationToken ct) =>
        ResultMap.Map(await _peers.AddAsync(request.Name, request.Address, request.Token, ct).ConfigureAwait(false), Info);

    public Result<HostPeerInfo> Remove(string name) => ResultMap.Map(_peers.Remove(name), Info);

    /// <summary>Reaches a trusted host over its pinned TLS connection and asks who it is.</summary>
    public async Task<Result<PeerJoinResponse>> CheckAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _peers.CheckAsync(name, ct).ConfigureAwait(false), Answer);

    /// <summary>Host to host: the caller proves it holds a token; <paramref name="clientCertificate"/> is who it is.</summary>
    public Result<PeerJoinResponse> Join(PeerJoinRequest request, X509Certificate2? clientCertificate, IPAddress? remote) =>
        ResultMap.Map(
            _peers.Join(new PeerJoin(request.Secret, request.Name, request.Address), clientCertificate is null ? null : HostCertificate.FingerprintOf(clientCertificate), remote),
            Answer);

    /// <summary>Who this host is, as told to other hosts (`GET /v1/peer/hello`).</summary>
    public PeerJoinResponse Hello() => Answer(_peers.Self);

    /// <summary>The trusted host a TLS client certificate belongs to, or null.</summary>
    public HostPeerInfo? TrustedPeer(X509Certificate2? clientCertificate) =>
        clientCertificate is not null && _peers.FindByFingerprint(HostCertificate.FingerprintOf(clientCertificate)) is { } peer ? Info(peer) : null;

    private static HostPeerInfo Info(PeerRecord p) => new() { Name = p.Name, Address = p.Address, Fingerprint = p.Fingerprint, AddedAt = p.AddedAt };

    private static PeerJoinResponse Answer(PeerIdentity who) => new() { Name = who.Name, Fingerprint = who.Fingerprint };
}
