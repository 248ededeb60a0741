using System.Net;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Peers;
using Hospes.Host.Settings;
using Hospes.Host.State;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    /// <summary>
    /// `hospes cluster join ADDR:PORT --token T` on a new host: trust with the member at ADDR as `host add` makes it
    /// (unless the two trust each other already), then the member, over that channel, redeems the token's cluster secret,
    /// adds this host's etcd member and hands over the CA; this host starts its etcd member and claims its VMs.
    /// </summary>
    /// <remarks>
    /// Its etcd member listens on the ports of <paramref name="etcd"/>; when one is taken the offer carries no peer URL,
    /// and only a cluster on an admin's etcd (no member here) takes it.
    /// </remarks>
    public async Task<Result<ClusterConfig>> JoinAsync(string address, string tokenText, EtcdChoice etcd, CancellationToken ct)
    {
        Result<PeerToken> decoded = PeerToken.Decode(tokenText);
        if (!decoded.IsOk)
        {
            return decoded.Error;
        }

        PeerToken token = decoded.Value;
        if (token.Cluster is null || token.ClusterSecret is null)
        {
            return HospesError.Invalid($"that is a host token (`hospes host token`), not a cluster one; run `hospes cluster token` on '{token.Name}', a member of the cluster");
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_joined is { } j)
            {
                return HospesError.Conflict(j.Config.Name == token.Cluster
                    ? $"this host is already a member of cluster '{j.Config.Name}'; nothing to do"
                    : $"this host is already in cluster '{j.Config.Name}'; `hospes cluster leave` first");
            }

            Result<IPAddress> etcdAddress = EtcdAddress();
            if (!etcdAddress.IsOk)
            {
                return etcdAddress.Error;
            }

            // Trust first, as `host add` makes it; a host trusted before keeps its row, and the cluster secret still decides.
            bool added = false;
            if (_peers.FindByFingerprint(token.Fingerprint) is not { } member)
            {
                Result<PeerRecord> trusted = await _peers.AddAsync(token.Name, address, tokenText, ct).ConfigureAwait(false);
                if (!trusted.IsOk)
                {
                    return trusted.Error;
                }

                member = trusted.Value;
                added = true;
            }

            Result<PeerRecord> reachable = _peers.Reachable(member.Name);
            if (!reachable.IsOk)
            {
                return reachable.Error;
            }

            int clientPort = etcd.ClientPort ?? _options.EtcdClientPort;
            int peerPort = etcd.PeerPort ?? _options.EtcdPeerPort;
            HospesError? portProblem = PortProblem(etcdAddress.Value, clientPort, peerPort);
            string peerUrl = portProblem is null ? Url(etcdAddress.Value, peerPort) : "";
            string clientUrl = portProblem is null ? Url(etcdAddress.Value, clientPort) : "";
            var offer = new ClusterJoinOffer(token.ClusterSecret, HostName, peerUrl, clientUrl, [.. _resources.Vms().Select(v => v.Name)])
            {
                Access = Hospes.Host.Cluster.Access.AccessSnapshot.Items(_db.LoadAccessTables()),
                Use = JoiningUse(),
            };
            Result<ClusterJoinAnswer> answer = await _remote.JoinAsync(reachable.Value, offer, ct).ConfigureAwait(false);
            if (!answer.IsOk && portProblem is not null)
            {
                // The member refused an offer without a peer URL: its cluster runs etcd members of its own.
                return portProblem;
            }

            if (!answer.IsOk)
            {
                // The trust stays: its half of the token was good, as for `host add`; nothing of the cluster was made.
                return added ? new HospesError(answer.Error.Code, $"{answer.Error.Message} (this host and '{member.Name}' trust each other now, as `hospes host add` makes it; `hospes host remove` ends that)") : answer.Error;
            }

            ClusterJoinAnswer yes = answer.Value;
            DateTimeOffset now = _time.GetUtcNow();
            MakeDir();
            using (ClusterCa ca = ClusterCa.Load(yes.CaCertificate, yes.CaKey))
            {
                WriteCa(ca);
                WriteMember(ca, etcdAddress.Value, now);
            }

            if (yes.External)
            {
                WriteExternal(yes.EtcdCa, yes.EtcdCertificate, yes.EtcdKey);
            }

            var config = yes.External ? new ClusterConfig
            {
                Name = yes.Cluster,
                Member = HostName,
                PeerUrl = "",
                ClientUrl = yes.Endpoints[0],
                InitialCluster = "",
                InitialState = "external",
                Endpoints = yes.Endpoints,
                External = true,
                JoinedAt = now,
            }
            : new ClusterConfig
            {
                Name = yes.Cluster,
                Member = HostName,
                PeerUrl = peerUrl,
                ClientUrl = clientUrl,
                InitialCluster = yes.InitialCluster,
                InitialState = "existing",
                Endpoints = [.. new[] { clientUrl }.Concat(yes.Endpoints).Distinct(StringComparer.Ordinal)],
                Learner = yes.Learner,
                JoinedAt = now,
            };
            config.Save(_files);
            Result<ClusterConfig> made = await BecomeMemberAsync(config, ct).ConfigureAwait(false);
            if (made.IsOk)
            {
                TakeSshKey(yes);
            }

            return made;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// This host took its cluster's guest SSH key (another than its own): its running guests get it through their agents
    /// (<see cref="Vms.Agent.GuestKeyPush"/>). Raised in the join, inside its gate: a handler only starts work.
    /// </summary>
    public event Action? SshKeyTaken;

    /// <summary>
    /// A member host: the cluster's guest SSH key becomes this host's (<see cref="SshKey.Adopt"/>), its own kept as a
    /// second identity, which its guests from before the join trust. A member older than this hospes sends none: this
    /// host keeps its own, and says so.
    /// </summary>
    private void TakeSshKey(ClusterJoinAnswer yes)
    {
        if (yes.SshKey is not { Length: > 0 } key || yes.SshPublicKey is not { Length: > 0 } line)
        {
            LogSshKeyKept(yes.Cluster, "the member sent none (it is older than this hospes)");
            return;
        }

        try
        {
            string fingerprint = Network.SshKey.Fingerprint(line);
            if (_ssh.Adopt(key, line))
            {
                LogSshKeyTaken(yes.Cluster, fingerprint);
                SshKeyTaken?.Invoke();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            LogSshKeyKept(yes.Cluster, e.Message);
        }
    }

    /// <summary>
    /// On a member, for a trusted host that asks to join (<paramref name="callerFingerprint"/> is its client
    /// certificate's): refuses a member already there, a VM name the cluster already has, a wrong or used secret — before
    /// anything is written — then adds its etcd member (a voter while the cluster has fewer than cluster.voters, else a
    /// learner) and answers what it needs to start it; on an admin's etcd it answers that etcd's URLs and credentials.
    /// </summary>
    public async Task<Result<ClusterJoinAnswer>> AcceptJoinAsync(ClusterJoinOffer offer, string callerFingerprint, string? callerAddress, CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return HospesError.State($"host '{HostName}' is in no cluster; run `hospes cluster init` there first, or join another member");
        }

        if (string.IsNullOrEmpty(offer.Name) || !HostSettings.IsHostName(offer.Name) || string.IsNullOrEmpty(offer.Secret))
        {
            return HospesError.Invalid("cluster join refused: the request lacks a valid host name or secret");
        }

        bool external = _joined!.Config.External;
        if (string.IsNullOrEmpty(offer.PeerUrl) && !external)
        {
            return HospesError.Invalid($"cluster join refused: host '{offer.Name}' offers no etcd peer URL (its etcd ports are taken?), and cluster '{_joined.Config.Name}' runs an etcd member on each voter");
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Joined j = _joined!;
            IClusterStore store = j.Store;
            string cluster = j.Config.Name;
            try
            {
                if (await store.GetAsync(j.Keys.Member(offer.Name), ct).ConfigureAwait(false) is not null)
                {
                    return HospesError.Conflict($"host '{offer.Name}' is already a member of cluster '{cluster}'; `hospes cluster leave` there, or `hospes cluster remove {offer.Name}` on a member, first");
                }

                var taken = new List<string>();
                foreach (string vm in offer.Vms)
                {
                    if (await store.GetAsync(j.Keys.Vm(vm), ct).ConfigureAwait(false) is { } owned)
                    {
                        taken.Add($"{vm} (owned by {Read<VmOwner>(owned.Value)?.Host ?? "?"})");
                    }
                }

                if (taken.Count > 0)
                {
                    return HospesError.Conflict($"host '{offer.Name}' cannot join cluster '{cluster}': its VM names are taken there: {string.Join(", ", taken)}; delete or rename those VMs on '{offer.Name}' first (nothing was changed)");
                }

                if (await AccessRefusalAsync(j, offer, ct).ConfigureAwait(false) is { } accessRefused)
                {
                    return accessRefused;
                }

                if (await LimitsRefusalAsync(j, offer, ct).ConfigureAwait(false) is { } overLimits)
                {
                    return overLimits;
                }

                if (!await store.DeleteAsync(j.Keys.Token(PeerToken.HashSecret(offer.Secret)), ct).ConfigureAwait(false))
                {
                    return HospesError.Invalid($"cluster '{cluster}' refused the join token: it is unknown there, expired or was already used; run `hospes cluster token` on a member again");
                }

                // A host removed before and joining again: the peer channel takes its hospesd certificate again.
                await ReadmitAsync(j, callerFingerprint, ct).ConfigureAwait(false);
                var record = new MemberRecord
                {
                    Name = offer.Name,
                    Address = callerAddress,
                    Fingerprint = callerFingerprint,
                    PeerUrl = external ? "" : offer.PeerUrl,
                    ClientUrl = external ? "" : offer.ClientUrl,
                    JoinedAt = _time.GetUtcNow(),
                };
                if (external)
                {
                    // An admin's etcd: no member to add; the joining host uses it as this one does.
                    await store.PutAsync(j.Keys.Member(offer.Name), ClusterMembership.Json(record), 0, ct).ConfigureAwait(false);
                    LogMemberAdded(offer.Name, j.Config.ClientUrl, "host on the admin's etcd");
                    return new ClusterJoinAnswer(cluster, File.ReadAllText(_files.CaCertificate), File.ReadAllText(_files.CaKey), "", j.Config.Endpoints, false)
                    {
                        SshKey = _ssh.PrivateText,
                        SshPublicKey = _ssh.PublicLine,
                        External = true,
                        EtcdCa = ReadIfThere(_files.ExternalCa),
                        EtcdCertificate = ReadIfThere(_files.ExternalCertificate),
                        EtcdKey = ReadIfThere(_files.ExternalKey),
                    };
                }

                IReadOnlyList<StoreMember> etcd = await store.MembersAsync(ct).ConfigureAwait(false);
                IReadOnlyList<MemberRecord> records = [.. (await store.ListAsync(j.Keys.Members, ct).ConfigureAwait(false)).Select(e => Read<MemberRecord>(e.Value)).OfType<MemberRecord>()];
                bool learner = etcd.Count(m => !m.Learner) >= _options.EtcdVoters;

                // Written before the member is added: with two members, etcd needs both for a quorum until the new one runs.
                await store.PutAsync(j.Keys.Member(offer.Name), ClusterMembership.Json(record), 0, ct).ConfigureAwait(false);
                try
                {
                    await AddMemberAsync(store, offer.PeerUrl, learner, ct).ConfigureAwait(false);
                }
                catch (ClusterStoreException)
                {
                    await store.DeleteAsync(j.Keys.Member(offer.Name), ct).ConfigureAwait(false);
                    throw;
                }

                string Named(StoreMember m) => records.FirstOrDefault(r => m.PeerUrls.Contains(r.PeerUrl))?.Name ?? m.Name;
                string initial = string.Join(',', etcd.Where(m => m.PeerUrls.Count > 0).Select(m => $"{Named(m)}={m.PeerUrls[0]}").Append($"{offer.Name}={offer.PeerUrl}"));
                IReadOnlyList<string> endpoints = [.. etcd.Where(m => !m.Learner).SelectMany(m => m.ClientUrls)];
                LogMemberAdded(offer.Name, offer.PeerUrl, learner ? "learner" : "voter");
                return new ClusterJoinAnswer(cluster, File.ReadAllText(_files.CaCertificate), File.ReadAllText(_files.CaKey), initial, endpoints, learner)
                {
                    SshKey = _ssh.PrivateText,
                    SshPublicKey = _ssh.PublicLine,
                };
            }
            catch (ClusterStoreException e)
            {
                return HospesError.Unavailable($"cluster join refused on '{HostName}': {e.Message}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// etcd refuses a voter while its leader has not been connected to every voter for 5 s (a member that just joined):
    /// asked again for up to 15 s.
    /// </summary>
    private async Task AddMemberAsync(IClusterStore store, string peerUrl, bool learner, CancellationToken ct)
    {
        long started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                await store.AddMemberAsync(peerUrl, learner, ct).ConfigureAwait(false);
                return;
            }
            catch (ClusterStoreException e) when (e.Message.Contains("unhealthy", StringComparison.Ordinal) && _time.GetElapsedTime(started) < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
            }
        }
    }
}
