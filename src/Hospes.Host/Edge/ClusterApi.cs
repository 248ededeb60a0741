using System.Security.Cryptography.X509Certificates;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Evacuation;
using Hospes.Host.Peers;

namespace Hospes.Host.Edge;

/// <summary>`hospes cluster ...` and a member's half of a join, in the wire's words.</summary>
public sealed class ClusterApi
{
    private readonly ClusterService _cluster;

    internal ClusterApi(ClusterService cluster) => _cluster = cluster;

    public async Task<Result<ClusterInfo>> InitAsync(ClusterInitRequest request, CancellationToken ct) =>
        ResultMap.Map(await _cluster.InitAsync(request.Name, Choice(request.EtcdPort, request.EtcdPeerPort) with
        {
            External = request.Etcd is { } urls ? [urls] : [],
            CaPem = request.EtcdCa,
            CertificatePem = request.EtcdCert,
            KeyPem = request.EtcdKey,
        }, ct).ConfigureAwait(false), Info);

    /// <summary>Why the peer channel refuses <paramref name="clientCertificate"/>: a host removed from this cluster (its certificate revoked); null when it does not.</summary>
    public string? RevokedPeer(X509Certificate2? clientCertificate) =>
        clientCertificate is null ? null : _cluster.RevokedPeer(HostCertificate.FingerprintOf(clientCertificate));

    public Result<ClusterInfo> Show() =>
        _cluster.Config is { } c ? Info(c) : HospesError.NotFound("this host is in no cluster; `hospes cluster init` makes one, `hospes cluster join` joins one");

    public async Task<Result<HostTokenInfo>> CreateTokenAsync(CancellationToken ct) =>
        ResultMap.Map(await _cluster.CreateTokenAsync(ct).ConfigureAwait(false), t => new HostTokenInfo { Token = t.Encode(), ExpiresAt = t.ExpiresAt });

    public async Task<Result<ClusterInfo>> JoinAsync(ClusterJoinRequest request, CancellationToken ct) =>
        ResultMap.Map(await _cluster.JoinAsync(request.Address, request.Token, Choice(request.EtcdPort, request.EtcdPeerPort), ct).ConfigureAwait(false), Info);

    public async Task<Result<ClusterInfo>> LeaveAsync(CancellationToken ct) =>
        ResultMap.Map(await _cluster.LeaveAsync(ct).ConfigureAwait(false), Info);

    public async Task<Result<IReadOnlyList<ClusterHostInfo>>> ListAsync(CancellationToken ct)
    {
        Result<IReadOnlyList<ClusterHost>> hosts = await _cluster.ListAsync(ct).ConfigureAwait(false);
        if (!hosts.IsOk)
        {
            return hosts.Error;
        }

        // An evacuated host that is up shows as "evacuated" (a down one stays "down", cordoned).
        Result<IReadOnlyDictionary<string, CordonRecord>> cordons = await _cluster.CordonsAsync(ct).ConfigureAwait(false);
        if (!cordons.IsOk)
        {
            return cordons.Error;
        }

        return Result.Ok<IReadOnlyList<ClusterHostInfo>>([.. hosts.Value.Select(h => HostInfo(h) is var info && cordons.Value.ContainsKey(h.Member.Name)
            ? info with { Cordoned = true, State = h.Up ? "evacuated" : info.State }
            : info)]);
    }

    public async Task<Result<ClusterHostInfo>> RemoveAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _cluster.RemoveAsync(name, ct).ConfigureAwait(false), m => HostInfo(new ClusterHost(m, false, m.Resources, "none", m.LastSeen)));

    /// <summary>Host to host: a trusted host (<paramref name="clientCertificate"/>, at <paramref name="address"/>) asks to join.</summary>
    public async Task<Result<PeerClusterJoinResponse>> AcceptJoinAsync(PeerClusterJoinRequest request, X509Certificate2 clientCertificate, string? address, CancellationToken ct)
    {
        var offer = new ClusterJoinOffer(request.Secret, request.Name, request.PeerUrl, request.ClientUrl, request.Vms ?? [])
        {
            Access = request.Access ?? [],
            Use = [.. (request.Use ?? []).Select(v => new VmUse(request.Name, v.Project, v.MemoryMib, v.Vcpus))],
        };
        return ResultMap.Map(
            await _cluster.AcceptJoinAsync(offer, HostCertificate.FingerprintOf(clientCertificate), address, ct).ConfigureAwait(false),
            a => new PeerClusterJoinResponse
            {
                Cluster = a.Cluster,
                CaCertificate = a.CaCertificate,
                CaKey = a.CaKey,
                InitialCluster = a.InitialCluster,
                Endpoints = a.Endpoints,
                Learner = a.Learner,
                External = a.External,
                EtcdCa = a.EtcdCa,
                EtcdCert = a.EtcdCertificate,
                EtcdKey = a.EtcdKey,
                SshKey = a.SshKey,
                SshPublicKey = a.SshPublicKey,
            });
    }

    private static ClusterInfo Info(ClusterConfig c) => new() { Name = c.Name, Member = c.Member, EtcdUrl = c.ClientUrl, Learner = c.Learner, External = c.External, JoinedAt = c.JoinedAt };

    private static EtcdChoice Choice(int? clientPort, int? peerPort) => new() { ClientPort = clientPort, PeerPort = peerPort };

    private static ClusterHostInfo HostInfo(ClusterHost h) => new()
    {
        Name = h.Member.Name,
        State = h.Up ? "up" : "down",
        Address = h.Member.Address,
        Cpus = h.Resources?.Cpus ?? 0,
        MemoryTotalMib = h.Resources?.MemoryTotalMib ?? 0,
        MemoryFreeMib = h.Resources?.MemoryFreeMib ?? 0,
        MemoryCommittedMib = h.Resources?.MemoryCommittedMib ?? 0,
        Vms = h.Resources?.Vms ?? 0,
        VmsRunning = h.Resources?.VmsRunning ?? 0,
        EtcdRole = h.EtcdRole,
        LastSeen = h.LastSeen,
        Leader = h.Leader,
        Frozen = h.Frozen,
    };
}
