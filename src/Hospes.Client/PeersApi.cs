using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>The hosts this one trusts, as its own user manages them (the host-to-host side is <see cref="PeerApi"/>).</summary>
public sealed class PeersApi
{
    private readonly HospesConnection _c;

    internal PeersApi(HospesConnection connection) => _c = connection;

    /// <summary>A one-time token another host presents to join this one.</summary>
    public Task<HostTokenInfo> CreateTokenAsync(CancellationToken ct) => _c.SendAsync<HostTokenInfo>(HttpMethod.Post, Routes.HostTokens, null, ct);

    public Task<IReadOnlyList<HostPeerInfo>> ListAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<HostPeerInfo>>(HttpMethod.Get, Routes.HostPeers, null, ct);

    /// <summary>Trusts the host that printed the token, and has it trust this one.</summary>
    public Task<HostPeerInfo> AddAsync(HostAddRequest request, CancellationToken ct) => _c.SendAsync<HostPeerInfo>(HttpMethod.Post, Routes.HostPeers, request, ct);

    /// <summary>Stops trusting a host, here only.</summary>
    public Task<HostPeerInfo> RemoveAsync(string name, CancellationToken ct) => _c.SendAsync<HostPeerInfo>(HttpMethod.Delete, Routes.Path(Routes.HostPeer, name), null, ct);

    /// <summary>Reaches the host over its pinned TLS connection and asks who it is.</summary>
    public Task<PeerJoinResponse> CheckAsync(string name, CancellationToken ct) => _c.SendAsync<PeerJoinResponse>(HttpMethod.Post, Routes.Path(Routes.HostPeerCheck, name), null, ct);
}
