using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Peers;
using Hospes.Host.State;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>
/// A host removed from the cluster (or that left) is no longer trusted by it: the serial of its cluster certificate goes
/// into the cluster's CRL (etcd refuses it as client and peer) and its hospesd certificate's fingerprint is refused on
/// the peer channel. Every member holds the CA key, so whichever member removes the host signs the new CRL.
/// </summary>
internal sealed partial class ClusterService
{
    /// <summary>The serial (hex) of this host's cluster certificate; null when it has none (no cluster folder yet).</summary>
    private string? MemberSerial()
    {
        if (!File.Exists(_files.MemberCertificate))
        {
            return null;
        }

        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(_files.MemberCertificate));
        return cert.SerialNumber;
    }

    /// <summary>
    /// Revokes <paramref name="member"/>'s certificates: its serial into the CRL (signed here with the CA key), its
    /// fingerprint refused by the peer channel; written with a compare on the key's old value (another member revoking at
    /// the same time: read again, up to 5 times). Nothing to do when both are revoked already.
    /// </summary>
    private async Task RevokeAsync(Joined j, MemberRecord member, CancellationToken ct)
    {
        using ClusterCa ca = LoadCa();
        for (int tries = 1; ; tries++)
        {
            StoreEntry? entry = await j.Store.GetAsync(j.Keys.Revoked, ct).ConfigureAwait(false);
            RevocationRecord? current = entry is null ? null : Read<RevocationRecord>(entry.Value);
            var host = new RevokedHost(member.Name, member.CertificateSerial, member.Fingerprint, _time.GetUtcNow(), HostName);
            if (RevocationRecord.With(current, host, ca, _time.GetUtcNow()) is not { } next)
            {
                return;
            }

            string json = ClusterMembership.Json(next);
            bool written = entry is null
                ? await j.Store.CreateAllAsync([new StorePut(j.Keys.Revoked, json, 0)], ct).ConfigureAwait(false)
                : await j.Store.PutAllIfAsync(entry.Key, entry.Value, [new StorePut(entry.Key, json, 0)], ct).ConfigureAwait(false);
            if (written)
            {
                j.Revocations.Take(next, json);
                LogHostRevoked(member.Name, member.CertificateSerial ?? "none recorded (its record is older than this hospes: etcd cannot be told)", member.Fingerprint, next.Number);
                return;
            }

            if (tries == 5)
            {
                throw new ClusterStoreException($"the cluster's revoked hosts changed 5 times while '{member.Name}' was being added; try again");
            }
        }
    }

    /// <summary>The cluster's CA with its key, which signs the CRL; a failure to read it is told as the store's (nothing was changed).</summary>
    private ClusterCa LoadCa()
    {
        try
        {
            return ClusterCa.Load(File.ReadAllText(_files.CaCertificate), File.ReadAllText(_files.CaKey));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ClusterStoreException($"cannot read the cluster CA's key {_files.CaKey}, which signs the revocation list: {e.Message} (nothing was revoked)", e);
        }
    }

    /// <summary>A removed host joins again (its token checked): its hospesd certificate is taken on the peer channel again; its old serials stay revoked.</summary>
    private static async Task ReadmitAsync(Joined j, string fingerprint, CancellationToken ct)
    {
        for (int tries = 1; tries <= 5; tries++)
        {
            if (await j.Store.GetAsync(j.Keys.Revoked, ct).ConfigureAwait(false) is not { } entry
                || Read<RevocationRecord>(entry.Value)?.Readmit(fingerprint) is not { } next)
            {
                return;
            }

            string json = ClusterMembership.Json(next);
            if (await j.Store.PutAllIfAsync(entry.Key, entry.Value, [new StorePut(entry.Key, json, 0)], ct).ConfigureAwait(false))
            {
                j.Revocations.Take(next, json);
                return;
            }
        }

        throw new ClusterStoreException("the cluster's revoked hosts changed 5 times while this join was readmitting the host; try again");
    }

    /// <summary>
    /// Why the peer channel refuses a caller whose hospesd certificate has <paramref name="fingerprint"/>: it belongs to a
    /// host removed from this cluster (logged); null when it does not (or this host is in no cluster).
    /// </summary>
    public string? RevokedPeer(string fingerprint)
    {
        if (_joined is not { } j || j.Revocations.Peer(fingerprint) is not { } revoked)
        {
            return null;
        }

        LogPeerRevoked(revoked.Host, fingerprint, j.Config.Name);
        return $"host '{revoked.Host}' was removed from cluster '{j.Config.Name}' ({revoked.At:u}, on {revoked.By}): its certificate is revoked here; `hospes cluster join` makes it a member again";
    }

    /// <summary>
    /// While etcd refuses this host: true when a host it trusts refuses it on the peer channel as removed from
    /// <paramref name="cluster"/> (its certificates revoked there); 10 s for all of them.
    /// </summary>
    private async Task<bool> RemovedSayPeersAsync(string cluster, CancellationToken ct)
    {
        string removed = $"host '{HostName}' was removed from cluster '{cluster}'";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            foreach (PeerRecord peer in _peers.List())
            {
                Result<PeerIdentity> hello = await _peers.CheckAsync(peer.Name, limit.Token).ConfigureAwait(false);
                if (!hello.IsOk && hello.Error.Message.Contains(removed, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Out of time: asked again later.
        }

        return false;
    }

    [LoggerMessage(EventId = LogEvents.ClusterPeerRevoked, Level = LogLevel.Warning, Message = "refused host {Host} on the peer channel: its certificate {Fingerprint} is revoked in cluster {Cluster} (it was removed)")]
    private partial void LogPeerRevoked(string host, string fingerprint, string cluster);

    [LoggerMessage(EventId = LogEvents.ClusterHostRevoked, Level = LogLevel.Information, Message = "host {Host}'s certificates revoked: cluster certificate serial {Serial} (etcd refuses it), hospesd certificate {Fingerprint} (the peer channel refuses it); revocation list {Number}")]
    private partial void LogHostRevoked(string host, string serial, string fingerprint, long number);

    [LoggerMessage(EventId = LogEvents.ClusterRevokeFailed, Level = LogLevel.Warning, Message = "this host left cluster {Cluster} but could not revoke its own certificates there ({Why}): its members still accept them")]
    private partial void LogRevokeFailed(string cluster, string why);
}
