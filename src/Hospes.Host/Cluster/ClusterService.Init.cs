using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Peers;
using Hospes.Host.Settings;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// `hospes cluster init`: a new cluster of this host alone, its CA, its etcd member on the ports of
    /// <paramref name="etcd"/> — or none, on the admin's etcd it names (checked first: nothing is made when it fails).
    /// </summary>
    public async Task<Result<ClusterConfig>> InitAsync(string? name, EtcdChoice etcd, CancellationToken ct)
    {
        name ??= "hospes";
        if (!HostSettings.IsHostName(name) || name.Contains('.', StringComparison.Ordinal))
        {
            return HospesError.Invalid($"cluster name '{name}': expected 1 to 63 letters, digits, '-' or '_', starting with a letter or digit");
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_joined is { } j)
            {
                return HospesError.Conflict($"this host is already in cluster '{j.Config.Name}'; `hospes cluster leave` first");
            }

            Result<IPAddress> address = EtcdAddress();
            if (!address.IsOk)
            {
                return address.Error;
            }

            if (etcd.External.Count > 0)
            {
                return await InitExternalAsync(name, etcd, address.Value, ct).ConfigureAwait(false);
            }

            int clientPort = etcd.ClientPort ?? _options.EtcdClientPort;
            int peerPort = etcd.PeerPort ?? _options.EtcdPeerPort;
            if (PortProblem(address.Value, clientPort, peerPort) is { } taken)
            {
                return taken;
            }

            DateTimeOffset now = _time.GetUtcNow();
            MakeDir();
            using (ClusterCa ca = ClusterCa.Create(name, now))
            {
                WriteCa(ca);
                WriteMember(ca, address.Value, now);
            }

            string peerUrl = Url(address.Value, peerPort);
            string clientUrl = Url(address.Value, clientPort);
            var config = new ClusterConfig
            {
                Name = name,
                Member = HostName,
                PeerUrl = peerUrl,
                ClientUrl = clientUrl,
                InitialCluster = $"{HostName}={peerUrl}",
                InitialState = "new",
                Endpoints = [clientUrl],
                JoinedAt = now,
            };
            config.Save(_files);
            return await BecomeMemberAsync(config, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Init on an admin's etcd: its URLs and credentials checked against it, then the cluster made there.</summary>
    private async Task<Result<ClusterConfig>> InitExternalAsync(string name, EtcdChoice etcd, IPAddress address, CancellationToken ct)
    {
        Result<IReadOnlyList<string>> urls = ExternalUrls(etcd.External);
        if (!urls.IsOk)
        {
            return urls.Error;
        }

        Result<(X509Certificate2? Ca, X509Certificate2? Client)> credentials = ExternalCredentials(etcd, urls.Value[0].StartsWith("https:", StringComparison.Ordinal));
        if (!credentials.IsOk)
        {
            return credentials.Error;
        }

        using (credentials.Value.Ca)
        using (credentials.Value.Client)
        {
            if (await ProbeExternalAsync(urls.Value, credentials.Value.Ca, credentials.Value.Client, name, ct).ConfigureAwait(false) is { } problem)
            {
                return problem;
            }
        }

        DateTimeOffset now = _time.GetUtcNow();
        MakeDir();
        using (ClusterCa ca = ClusterCa.Create(name, now))
        {
            // The cluster's CA still signs nothing etcd sees; a joining host receives it as with a cluster of its own members.
            WriteCa(ca);
            WriteMember(ca, address, now);
        }

        WriteExternal(etcd.CaPem, etcd.CertificatePem, etcd.KeyPem);
        var config = new ClusterConfig
        {
            Name = name,
            Member = HostName,
            PeerUrl = "",
            ClientUrl = urls.Value[0],
            InitialCluster = "",
            InitialState = "external",
            Endpoints = urls.Value,
            External = true,
            JoinedAt = now,
        };
        config.Save(_files);
        return await BecomeMemberAsync(config, ct).ConfigureAwait(false);
    }

    /// <summary>`hospes cluster token`: a host token (trust) that also carries a one-time secret the cluster's store redeems.</summary>
    public async Task<Result<PeerToken>> CreateTokenAsync(CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return error;
        }

        Result<PeerToken> token = _peers.CreateToken();
        if (!token.IsOk)
        {
            return token.Error;
        }

        Joined j = _joined!;
        string secret = PeerToken.NewSecret();
        try
        {
            long lease = await j.Store.GrantLeaseAsync(TokenLifetime, ct).ConfigureAwait(false);
            await j.Store.PutAsync(j.Keys.Token(PeerToken.HashSecret(secret)), HostName, lease, ct).ConfigureAwait(false);
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot make a cluster token: {e.Message}");
        }

        return token.Value with { Cluster = j.Config.Name, ClusterSecret = secret };
    }

    /// <summary>
    /// Starts the etcd member of <paramref name="config"/> (saved already), waits until it answers, writes this host's
    /// member key, claims its VMs and starts the lease. Any failure stops etcd and forgets the cluster here.
    /// </summary>
    private async Task<Result<ClusterConfig>> BecomeMemberAsync(ClusterConfig config, CancellationToken ct, bool claimVms = true)
    {
        Joined? joined = null;
        try
        {
            joined = await RunAsync(config, ct).ConfigureAwait(false);
            if (await WaitHealthyAsync(joined.Store, config, ct).ConfigureAwait(false) is { } notReady)
            {
                await ForgetAsync(joined).ConfigureAwait(false);
                return notReady;
            }

            await joined.Store.PutAsync(joined.Keys.Member(HostName), ClusterMembership.Json(joined.Self), 0, ct).ConfigureAwait(false);
            if (claimVms && await ClaimAllAsync(joined, ct).ConfigureAwait(false) is { } clash)
            {
                await joined.Store.DeleteAsync(joined.Keys.Member(HostName), ct).ConfigureAwait(false);
                await RemoveJoinedMemberAsync(joined, ct).ConfigureAwait(false);
                await ForgetAsync(joined).ConfigureAwait(false);
                return clash;
            }

            await joined.Membership.TickAsync(ct).ConfigureAwait(false);
            joined.Membership.Start();

            // Access data is the cluster's: a new cluster takes this host's, a joining host the cluster's (its own were checked to be there).
            if (config.InitialState == "new")
            {
                await joined.Access.PublishAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await joined.Access.PollAsync(ct).ConfigureAwait(false);
            }

            joined.Access.Start();
            joined.Use.Start();
            await joined.Revocations.PollAsync(ct).ConfigureAwait(false);
            joined.Revocations.Start();
            _joined = joined;
            LogJoined(config.Name, config.ClientUrl, config.InitialState);
            return config;
        }
        catch (ClusterStoreException e)
        {
            if (joined is not null)
            {
                await ForgetAsync(joined).ConfigureAwait(false);
            }
            else
            {
                RemoveDir();
            }

            return HospesError.Unavailable(e.Message);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or System.Security.Cryptography.CryptographicException)
        {
            if (joined is not null)
            {
                await ForgetAsync(joined).ConfigureAwait(false);
            }
            else
            {
                RemoveDir();
            }

            return HospesError.Unavailable($"cannot start etcd: {e.Message}; is Debian's etcd-server installed (./setup.sh installs it)?");
        }
    }

    /// <summary>
    /// A join refused after its etcd member was added (its VMs' names or limits, checked in the claims' transaction):
    /// that member goes from the cluster's etcd again, as at a leave, so the others keep their quorum as it was. A removal
    /// that fails is logged: `etcdctl member remove` on a member finishes it.
    /// </summary>
    private async Task RemoveJoinedMemberAsync(Joined joined, CancellationToken ct)
    {
        if (joined.Config.External || joined.Config.InitialState != "existing")
        {
            return;
        }

        try
        {
            IReadOnlyList<StoreMember> etcd = await joined.Store.MembersAsync(ct).ConfigureAwait(false);
            if (etcd.Count > 1 && etcd.FirstOrDefault(m => m.PeerUrls.Contains(joined.Config.PeerUrl)) is { } me)
            {
                await RemoveOwnMemberAsync(joined, me.Id, ct).ConfigureAwait(false);
                LogJoinEtcdRemoved(joined.Config.Name, joined.Config.PeerUrl);
            }
        }
        catch (ClusterStoreException e)
        {
            LogJoinEtcdLeft(joined.Config.Name, joined.Config.PeerUrl, e.Message);
        }
    }

    /// <summary>Stops what <paramref name="joined"/> runs and removes the cluster's folder here.</summary>
    private async Task ForgetAsync(Joined joined)
    {
        await joined.DisposeAsync().ConfigureAwait(false);
        RemoveDir();
    }

    private void WriteCa(ClusterCa ca)
    {
        WriteSecretFile(_files.CaKey, ca.KeyPem);
        File.WriteAllText(_files.CaCertificate, ca.CertificatePem);
    }

    private void WriteMember(ClusterCa ca, IPAddress address, DateTimeOffset now)
    {
        (string cert, string key) = ca.Issue(HostName, [address], now);
        WriteSecretFile(_files.MemberKey, key);
        File.WriteAllText(_files.MemberCertificate, cert);
    }
}
