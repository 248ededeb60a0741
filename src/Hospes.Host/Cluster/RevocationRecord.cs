namespace Hospes.Host.Cluster;

/// <summary>
/// The cluster's `revoked` key: the hosts that were removed or left, each by the serial of its cluster (etcd)
/// certificate and the fingerprint of its hospesd certificate (the peer channel's identity), and the CRL of those
/// serials, signed by the cluster CA, that every member hands its etcd (`--client-crl-file`, `--peer-crl-file`).
/// </summary>
internal sealed record RevocationRecord
{
    /// <summary>The CRL's number: one more with every change of <see cref="Crl"/>.</summary>
    public long Number { get; init; }

    public IReadOnlyList<RevokedHost> Hosts { get; init; } = [];

    /// <summary>The CRL, DER in base64.</summary>
    public string Crl { get; init; } = "";

    /// <summary>
    /// <paramref name="host"/> revoked too: its serial (when known) joins the CRL, re-signed by <paramref name="ca"/>
    /// with the next number; its fingerprint is refused on the peer channel. Null when both were revoked already.
    /// </summary>
    public static RevocationRecord? With(RevocationRecord? current, RevokedHost host, ClusterCa ca, DateTimeOffset now)
    {
        current ??= new RevocationRecord();
        bool serialKnown = host.Serial is null || current.Hosts.Any(h => h.Serial is { } s && ClusterCa.Minimal(s) == ClusterCa.Minimal(host.Serial));
        bool fingerprintKnown = current.Hosts.Any(h => string.Equals(h.Fingerprint, host.Fingerprint, StringComparison.OrdinalIgnoreCase));
        if (serialKnown && fingerprintKnown)
        {
            return null;
        }

        // A fingerprint revoked again (the host came back and went again) with a serial known already: one entry per serial.
        RevokedHost added = serialKnown ? host with { Serial = null } : host;
        IReadOnlyList<RevokedHost> hosts = [.. current.Hosts, added];
        long number = current.Number + 1;
        byte[] crl = ca.RevocationList(hosts.Where(h => h.Serial is not null).Select(h => (h.Serial!, h.At)), number, now);
        return new RevocationRecord { Number = number, Hosts = hosts, Crl = Convert.ToBase64String(crl) };
    }

    /// <summary>
    /// A host with <paramref name="fingerprint"/> joins again: the peer channel takes it again (its old serials stay in
    /// the CRL; the join gives it a new certificate). Null when the fingerprint was not revoked.
    /// </summary>
    public RevocationRecord? Readmit(string fingerprint) =>
        Hosts.Any(h => string.Equals(h.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase))
            ? this with { Hosts = [.. Hosts.Select(h => string.Equals(h.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase) ? h with { Fingerprint = null } : h)] }
            : null;

    /// <summary>The revoked host whose hospesd certificate has <paramref name="fingerprint"/>, or null.</summary>
    public RevokedHost? Peer(string fingerprint) =>
        Hosts.LastOrDefault(h => string.Equals(h.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One removed host: name, its etcd certificate's serial (hex; null when its record had none), its hospesd certificate's fingerprint (null once it joined again), when and by whom.</summary>
internal sealed record RevokedHost(string Host, string? Serial, string? Fingerprint, DateTimeOffset At, string By);
