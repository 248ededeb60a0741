using System.Security.Cryptography.X509Certificates;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>
/// Host to host, under /v1/peer: what one hospesd asks of another over TLS with pinned certificates (join, hello, and
/// the destination's half of a migration).
/// </summary>
public sealed class PeerApi : IDisposable
{
    private readonly HospesConnection _c;

    /// <summary>The API over <paramref name="connection"/>, which it then owns.</summary>
    public PeerApi(HospesConnection connection) => _c = connection;

    public HospesConnection Connection => _c;

    /// <summary>The hospesd at <paramref name="address"/> (HOST:PORT) whose certificate has <paramref name="fingerprint"/>.</summary>
    /// <param name="presented">Told the fingerprint the server presented, so a mismatch can name it.</param>
    public static PeerApi Connect(string address, string fingerprint, X509Certificate2 clientCertificate, TimeSpan timeout, Action<string>? presented = null) =>
        new(HospesConnection.PinnedTls(address, fingerprint, clientCertificate, timeout, presented));

    /// <summary>Presents a join token's secret; this host's identity is its client certificate.</summary>
    public Task<PeerJoinResponse> JoinAsync(PeerJoinRequest request, CancellationToken ct) => _c.SendAsync<PeerJoinResponse>(HttpMethod.Post, Routes.PeerJoin, request, ct);

    /// <summary>Who the other host is (it answers only a host it trusts).</summary>
    public Task<PeerJoinResponse> HelloAsync(CancellationToken ct) => _c.SendAsync<PeerJoinResponse>(HttpMethod.Get, Routes.PeerHello, null, ct);

    /// <summary>Offers a VM: the destination prepares an incoming QEMU and says where to send the stream and disks.</summary>
    public Task<MigrationPrepared> PrepareMigrationAsync(MigrationOffer offer, CancellationToken ct) =>
        _c.SendAsync<MigrationPrepared>(HttpMethod.Post, Routes.PeerMigrations, offer, ct);

    /// <summary>The stream completed: the destination continues the guest (or only walks the path, for a probe).</summary>
    public Task<MigrationFinished> FinishMigrationAsync(string id, MigrationFinish request, CancellationToken ct) =>
        _c.SendAsync<MigrationFinished>(HttpMethod.Post, Routes.Path(Routes.PeerMigrationFinish, id), request, ct);

    /// <summary>The destination drops what it prepared; true when it confirms it did.</summary>
    public Task<bool> AbortMigrationAsync(string id, CancellationToken ct) => _c.SendAsync<bool>(HttpMethod.Delete, Routes.Path(Routes.PeerMigration, id), null, ct);

    /// <summary>Asks a member to take this host into its cluster (issue 17).</summary>
    public Task<PeerClusterJoinResponse> ClusterJoinAsync(PeerClusterJoinRequest request, CancellationToken ct) =>
        _c.SendAsync<PeerClusterJoinResponse>(HttpMethod.Post, Routes.PeerClusterJoin, request, ct);

    /// <summary>Asks a member to evacuate itself (`hospes host evacuate` run on another member): its stream as it runs there.</summary>
    public IAsyncEnumerable<EvacuationEvent> ClusterEvacuateAsync(PeerHostEvacuateRequest request, CancellationToken ct) =>
        _c.StreamAsync<EvacuationEvent>(HttpMethod.Post, Routes.PeerClusterEvacuate, request, ct);

    /// <summary>Asks a member to take itself back into service.</summary>
    public Task<HostRestoreResult> ClusterRestoreAsync(PeerHostEvacuateRequest request, CancellationToken ct) =>
        _c.SendAsync<HostRestoreResult>(HttpMethod.Post, Routes.PeerClusterRestore, request, ct);

    public void Dispose() => _c.Dispose();
}
