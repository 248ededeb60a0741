using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>The cluster's etcd: ports of this host's member, an admin's etcd (init --etcd), voters and learners.</summary>
internal sealed partial class ClusterService
{
    private static readonly TimeSpan PromoteWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan VotersEvery = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, long> _voterDown = new(StringComparer.Ordinal);
    private long _votersChecked;

    /// <summary>
    /// Null when etcd's client and peer ports are free on <paramref name="address"/> (a listener is opened and closed on
    /// each); else what is wrong and which option or setting picks others.
    /// </summary>
    internal static HospesError? PortProblem(IPAddress address, int client, int peer)
    {
        if (client is < 1 or > 65535 || peer is < 1 or > 65535)
        {
            return HospesError.Invalid($"etcd ports {client} (client) and {peer} (peer): expected TCP ports from 1 to 65535");
        }

        if (client == peer)
        {
            return HospesError.Invalid($"etcd's client and peer ports are both {client}; give two different ports (--etcd-port, --etcd-peer-port)");
        }

        foreach ((int port, string what, string option) in new[] { (client, "client", "--etcd-port or the setting cluster.etcd_client_port"), (peer, "peer", "--etcd-peer-port or the setting cluster.etcd_peer_port") })
        {
            try
            {
                var listener = new TcpListener(address, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException e)
            {
                return HospesError.Conflict($"etcd's {what} port {port} on {address} is taken ({e.Message}): another etcd or program listens there; pick another port with {option} (nothing was changed)");
            }
        }

        return null;
    }

    /// <summary>The client URLs of an admin's etcd (`--etcd URL[,URL...]`): http(s)://HOST:PORT each, one scheme for all.</summary>
    internal static Result<IReadOnlyList<string>> ExternalUrls(IReadOnlyList<string> given)
    {
        var urls = new List<string>();
        foreach (string raw in given.SelectMany(u => u.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/" || uri.Query.Length > 0
                || uri.UserInfo.Length > 0 || !raw.Contains($":{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", StringComparison.Ordinal))
            {
                return HospesError.Invalid($"--etcd '{raw}': expected an etcd client URL https://HOST:PORT (or http://), several separated by commas, e.g. https://10.0.0.5:2379");
            }

            urls.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        if (urls.Count == 0)
        {
            return HospesError.Invalid("--etcd: no URL given; expected https://HOST:PORT, e.g. https://10.0.0.5:2379");
        }

        return urls.Select(u => u.StartsWith("https:", StringComparison.Ordinal)).Distinct().Count() > 1
            ? HospesError.Invalid($"--etcd {string.Join(',', urls)}: mixes https:// and http://; one etcd cluster answers one way")
            : urls;
    }

    /// <summary>An admin's etcd credentials from PEM text: its CA, and a client certificate with its key (each optional).</summary>
    internal static Result<(X509Certificate2? Ca, X509Certificate2? Client)> ExternalCredentials(EtcdChoice etcd, bool https)
    {
        if ((etcd.CertificatePem is null) != (etcd.KeyPem is null))
        {
            return HospesError.Invalid("--etcd-cert and --etcd-key go together: the client certificate the etcd checks and its private key");
        }

        if (!https && (etcd.CaPem ?? etcd.CertificatePem) is not null)
        {
            return HospesError.Invalid("--etcd-ca, --etcd-cert and --etcd-key are for https:// etcd URLs; the URLs given are http://");
        }

        X509Certificate2? ca = null;
        try
        {
            ca = etcd.CaPem is null ? null : X509Certificate2.CreateFromPem(etcd.CaPem);
            return (ca, etcd.CertificatePem is null ? null : ClientCertificate(etcd.CertificatePem, etcd.KeyPem!));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            bool caFailed = ca is null && etcd.CaPem is not null;
            ca?.Dispose();
            return HospesError.Invalid(caFailed
                ? $"--etcd-ca: not a PEM certificate ({e.Message}); expected the CA that signed the etcd's server certificate"
                : $"--etcd-cert/--etcd-key: not a PEM certificate with its private key ({e.Message})");
        }
    }

    /// <summary>
    /// The learner to promote: while fewer than <paramref name="voters"/> voters remain (not counting the voters of
    /// <paramref name="lost"/> hosts, down too long), the earliest-joined learner whose host is up; else null.
    /// </summary>
    internal static StoreMember? Promotable(IReadOnlyList<StoreMember> etcd, IReadOnlyList<MemberRecord> records, IReadOnlySet<string> up, IReadOnlySet<string> lost, int voters)
    {
        MemberRecord? Record(StoreMember m) => records.FirstOrDefault(r => r.PeerUrl.Length > 0 && m.PeerUrls.Contains(r.PeerUrl));
        int voting = etcd.Count(m => !m.Learner && !(Record(m) is { } r && lost.Contains(r.Name)));
        return voting >= voters
            ? null
            : etcd.Where(m => m.Learner && m.Name.Length > 0 && Record(m) is { } r && up.Contains(r.Name)).OrderBy(m => Record(m)!.JoinedAt).FirstOrDefault();
    }

    /// <summary>
    /// The leader's turn (HaService, every few seconds): a voter whose host has been down for cluster.voter_down_s no
    /// longer counts, and a learner whose host is up is promoted so the cluster has cluster.voters voters again.
    /// </summary>
    public async Task KeepVotersAsync(IReadOnlyCollection<string> up, CancellationToken ct)
    {
        if (_joined is not { } j || j.Config.External || _time.GetElapsedTime(_votersChecked) < VotersEvery)
        {
            return;
        }

        _votersChecked = _time.GetTimestamp();
        var upSet = up.ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<MemberRecord> records = await RecordsAsync(j, ct).ConfigureAwait(false);
        var lost = new HashSet<string>(StringComparer.Ordinal);
        foreach (MemberRecord r in records)
        {
            if (upSet.Contains(r.Name))
            {
                _voterDown.Remove(r.Name);
                continue;
            }

            if (!_voterDown.TryGetValue(r.Name, out long since))
            {
                _voterDown[r.Name] = since = _time.GetTimestamp();
            }

            if (_time.GetElapsedTime(since) >= _options.EtcdVoterDownAfter)
            {
                lost.Add(r.Name);
            }
        }

        IReadOnlyList<StoreMember> etcd = await j.Store.MembersAsync(ct).ConfigureAwait(false);
        if (Promotable(etcd, records, upSet, lost, _options.EtcdVoters) is { } learner)
        {
            await PromoteAsync(j, learner, records, TimeSpan.Zero, $"voters down longer than {_options.EtcdVoterDownAfter.TotalSeconds:0} s: {string.Join(", ", lost)}", ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When a voter leaves (<paramref name="lost"/>) or was removed: promotes a learner so the cluster has its voters
    /// again (a failure is logged only; the leader tries again).
    /// </summary>
    private async Task RestoreVotersAsync(Joined j, IReadOnlySet<string> lost, string why, CancellationToken ct)
    {
        if (j.Config.External)
        {
            return;
        }

        try
        {
            IReadOnlyList<MemberRecord> records = await RecordsAsync(j, ct).ConfigureAwait(false);
            var up = (await j.Store.ListAsync(j.Keys.Hosts, ct).ConfigureAwait(false)).Select(e => ClusterKeys.NameOf(e.Key)).ToHashSet(StringComparer.Ordinal);
            IReadOnlyList<StoreMember> etcd = await j.Store.MembersAsync(ct).ConfigureAwait(false);
            if (Promotable(etcd, records, up, lost, _options.EtcdVoters) is { } learner)
            {
                await PromoteAsync(j, learner, records, PromoteWithin, why, ct).ConfigureAwait(false);
            }
        }
        catch (ClusterStoreException e)
        {
            LogPromoteFailed("?", e.Message);
        }
    }

    /// <summary>Promotes <paramref name="learner"/>; etcd refuses one not caught up yet, asked again for up to <paramref name="within"/>.</summary>
    private async Task PromoteAsync(Joined j, StoreMember learner, IReadOnlyList<MemberRecord> records, TimeSpan within, string why, CancellationToken ct)
    {
        string host = records.FirstOrDefault(r => learner.PeerUrls.Contains(r.PeerUrl))?.Name ?? learner.Name;
        long started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                await j.Store.PromoteMemberAsync(learner.Id, ct).ConfigureAwait(false);
                LogPromoted(host, why);
                return;
            }
            catch (ClusterStoreException e) when (_time.GetElapsedTime(started) < within && (e.Message.Contains("in sync", StringComparison.Ordinal) || e.Message.Contains("unhealthy", StringComparison.Ordinal)))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
            }
            catch (ClusterStoreException e)
            {
                LogPromoteFailed(host, e.Message);
                return;
            }
        }
    }

    private static async Task<IReadOnlyList<MemberRecord>> RecordsAsync(Joined j, CancellationToken ct) =>
        [.. (await j.Store.ListAsync(j.Keys.Members, ct).ConfigureAwait(false)).Select(e => Read<MemberRecord>(e.Value)).OfType<MemberRecord>()];

    /// <summary>Asks each URL of an admin's etcd for its status, then that it holds no cluster of this name yet.</summary>
    private static async Task<HospesError?> ProbeExternalAsync(IReadOnlyList<string> urls, X509Certificate2? ca, X509Certificate2? client, string name, CancellationToken ct)
    {
        foreach (string url in urls)
        {
            using var one = new EtcdGateway([url], ca, client);
            try
            {
                await one.StatusAsync(ct).ConfigureAwait(false);
            }
            catch (ClusterStoreException e) when (e.Message.EndsWith("refused: connection closed", StringComparison.Ordinal))
            {
                // etcd's JSON gateway dials etcd itself with the server certificate: without clientAuth that fails so.
                return HospesError.Unavailable($"--etcd {url}: {e.Message}; with --client-cert-auth, etcd's JSON gateway (/v3/…, which Hospes uses) connects to etcd with its own server certificate, so that certificate needs clientAuth in its extended key usage too (nothing was changed)");
            }
            catch (ClusterStoreException e)
            {
                return HospesError.Unavailable($"--etcd {url}: {e.Message.Replace(" (hospesd starts it; its log is <state>/cluster/etcd.log)", "", StringComparison.Ordinal)} (nothing was changed)");
            }
        }

        using var all = new EtcdGateway(urls, ca, client);
        try
        {
            return (await all.ListAsync(new ClusterKeys(name).Members, ct).ConfigureAwait(false)).Count > 0
                ? HospesError.Conflict($"the etcd at {urls[0]} holds a cluster '{name}' already (keys under /hospes/{name}/); join it with `hospes cluster join`, or pick another --name")
                : null;
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"--etcd {urls[0]}: {e.Message} (nothing was changed)");
        }
    }

    /// <summary>The store client of <paramref name="config"/>: its own member's mutual TLS, or the admin's etcd credentials.</summary>
    private (EtcdGateway Store, IReadOnlyList<IDisposable> Owned) Gateway(ClusterConfig config)
    {
        if (config.External)
        {
            X509Certificate2? ca = File.Exists(_files.ExternalCa) ? X509Certificate2.CreateFromPem(File.ReadAllText(_files.ExternalCa)) : null;
            X509Certificate2? client = File.Exists(_files.ExternalCertificate) ? ClientCertificate(File.ReadAllText(_files.ExternalCertificate), File.ReadAllText(_files.ExternalKey)) : null;
            return (new EtcdGateway(config.Endpoints, ca, client), [.. new[] { ca, client }.OfType<IDisposable>()]);
        }

        // The certificate alone: CreateFromPemFile would look for a key in the same file.
        var own = X509Certificate2.CreateFromPem(File.ReadAllText(_files.CaCertificate));
        var member = ClientCertificate(File.ReadAllText(_files.MemberCertificate), File.ReadAllText(_files.MemberKey));
        return (new EtcdGateway(config.Endpoints, own, member), [own, member]);
    }

    /// <summary>Writes an admin's etcd credentials (those given) into the cluster folder.</summary>
    private void WriteExternal(string? caPem, string? certificatePem, string? keyPem)
    {
        if (caPem is not null)
        {
            File.WriteAllText(_files.ExternalCa, caPem);
        }

        if (certificatePem is not null && keyPem is not null)
        {
            File.WriteAllText(_files.ExternalCertificate, certificatePem);
            WriteSecretFile(_files.ExternalKey, keyPem);
        }
    }

    private static string? ReadIfThere(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private static X509Certificate2 ClientCertificate(string certificatePem, string keyPem)
    {
        using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
