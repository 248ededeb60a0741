using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    /// <summary>
    /// `hospes cluster leave`: this host's VM claims, member key and etcd member go; its etcd stops and its cluster
    /// folder is removed. Its VMs stay here, owned by no cluster. The last member leaving ends the cluster.
    /// </summary>
    public async Task<Result<ClusterConfig>> LeaveAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Removed while away: the cluster has forgotten this host already; only what it kept here goes.
            if (_joined is { Membership.Removed: true } removed)
            {
                _joined = null;
                await ForgetAsync(removed).ConfigureAwait(false);
                LogLeft(removed.Config.Name);
                return removed.Config;
            }

            if (InCluster() is { } error)
            {
                return error;
            }

            Joined j = _joined!;
            bool others;
            try
            {
                IReadOnlyList<StoreMember> etcd = j.Config.External ? [] : await j.Store.MembersAsync(ct).ConfigureAwait(false);
                others = j.Config.External || etcd.Count > 1;
                StoreMember? me = etcd.FirstOrDefault(m => m.PeerUrls.Contains(j.Config.PeerUrl));
                if (etcd.Count > 1 && me is { Learner: false })
                {
                    // A learner takes this voter's place before it goes: the quorum never shrinks meanwhile.
                    await RestoreVotersAsync(j, new HashSet<string>(StringComparer.Ordinal) { HostName }, $"voter {HostName} leaves", ct).ConfigureAwait(false);
                }

                j.Membership.Leaving = true;
                await ForgetHostAsync(j, HostName, keepHa: false, ct).ConfigureAwait(false);
                if (etcd.Count > 1 && me is not null)
                {
                    await RemoveOwnMemberAsync(j, me.Id, ct).ConfigureAwait(false);
                }
            }
            catch (ClusterStoreException e)
            {
                // Its record may be gone already: rounds keep renewing without writing it back until the leave is tried again.
                return HospesError.Unavailable($"cannot leave cluster '{j.Config.Name}': {e.Message}");
            }

            // Revoked last, through the other members (its own etcd member is gone): until then it needs its certificate.
            // The last member leaving ends the cluster: nothing left to tell.
            try
            {
                if (others)
                {
                    await RevokeAsync(j, j.Self with { CertificateSerial = MemberSerial() }, ct).ConfigureAwait(false);
                }
            }
            catch (ClusterStoreException e)
            {
                LogRevokeFailed(j.Config.Name, e.Message);
            }

            _joined = null;
            await ForgetAsync(j).ConfigureAwait(false);
            LogLeft(j.Config.Name);
            return j.Config;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes this host's own etcd member, asked of that member first (the gateway's order): etcd commits the removal
    /// and the member stops at once, often before it answers ("etcdserver: server stopped"). So a failed call is checked
    /// with the others (the gateway moves on once this member no longer answers): gone is done. etcd refuses a removal
    /// while the members left have not all been connected for a few seconds ("etcdserver: unhealthy cluster", its strict
    /// reconfiguration check; e.g. just after a join): asked again each second, for 30 s at most.
    /// </summary>
    private async Task RemoveOwnMemberAsync(Joined j, ulong id, CancellationToken ct)
    {
        for (int tries = 1; ; tries++)
        {
            try
            {
                await j.Store.RemoveMemberAsync(id, ct).ConfigureAwait(false);
                return;
            }
            catch (ClusterStoreException e) when (e.Message.Contains("unhealthy cluster", StringComparison.Ordinal) && tries < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
            }
            catch (ClusterStoreException e)
            {
                await CheckOwnMemberGoneAsync(j, id, e, _time, ct).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>A removal that failed may have been made all the same (the member stopped before answering): gone is done.</summary>
    private static async Task CheckOwnMemberGoneAsync(Joined j, ulong id, ClusterStoreException failed, TimeProvider time, CancellationToken ct)
    {
        for (int i = 0; i < 20; i++)
        {
            try
            {
                if ((await j.Store.MembersAsync(ct).ConfigureAwait(false)).All(m => m.Id != id))
                {
                    return;
                }
            }
            catch (ClusterStoreException)
            {
                // This member stopping, the others not asked yet: again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct).ConfigureAwait(false);
        }

        throw new ClusterStoreException($"removing this host's etcd member failed and it is still a member after 10 s: {failed.Message}", failed);
    }

    /// <summary>
    /// `hospes cluster remove HOST` on a member: a host that is down (or gone for good) leaves the cluster without its
    /// help: its VM claims, keys and etcd member go. A host that is up is refused: it should leave by itself. Its HA
    /// VMs' claims stay (the leader moves them, as a dead host's), and its freeze mark goes: an HA frozen host (its
    /// hospesd stopped cleanly while HA VMs ran) is moved from only once the admin says so this way.
    /// </summary>
    public async Task<Result<MemberRecord>> RemoveAsync(string host, CancellationToken ct)
    {
        if (host == HostName)
        {
            return HospesError.Invalid($"'{host}' is this host; `hospes cluster leave` takes it out of the cluster");
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (InCluster() is { } error)
            {
                return error;
            }

            Joined j = _joined!;
            try
            {
                if (await j.Store.GetAsync(j.Keys.Member(host), ct).ConfigureAwait(false) is not { } entry || Read<MemberRecord>(entry.Value) is not { } member)
                {
                    return HospesError.NotFound($"no host '{host}' in cluster '{j.Config.Name}'; `hospes cluster list` shows its hosts");
                }

                if (await j.Store.GetAsync(j.Keys.Host(host), ct).ConfigureAwait(false) is not null)
                {
                    return HospesError.State($"host '{host}' is up; run `hospes cluster leave` on it, or stop its hospesd and wait until `hospes cluster list` shows it down");
                }

                // Revoked first: a revocation that fails leaves it a member, and `cluster remove` again does the rest.
                await RevokeAsync(j, member, ct).ConfigureAwait(false);
                await ForgetHostAsync(j, host, keepHa: true, ct).ConfigureAwait(false);
                if (!j.Config.External && (await j.Store.MembersAsync(ct).ConfigureAwait(false)).FirstOrDefault(m => m.PeerUrls.Contains(member.PeerUrl)) is { } etcd)
                {
                    await j.Store.RemoveMemberAsync(etcd.Id, ct).ConfigureAwait(false);
                    if (!etcd.Learner)
                    {
                        await RestoreVotersAsync(j, new HashSet<string>(StringComparer.Ordinal), $"voter {host} removed", ct).ConfigureAwait(false);
                    }
                }

                LogMemberRemoved(host);
                return member;
            }
            catch (ClusterStoreException e)
            {
                return HospesError.Unavailable($"cannot remove '{host}': {e.Message}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes <paramref name="host"/>'s VM claims and running VMs' usage keys (but those of its HA VMs when
    /// <paramref name="keepHa"/>: a removed host's, which the leader then moves), its live key, its freeze mark and its member key.
    /// </summary>
    private static async Task ForgetHostAsync(Joined j, string host, bool keepHa, CancellationToken ct)
    {
        HashSet<string> ha = keepHa
            ? (await j.Store.ListAsync(j.Keys.HaVms, ct).ConfigureAwait(false)).Select(e => ClusterKeys.NameOf(e.Key)).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (StoreEntry claim in await j.Store.ListAsync(j.Keys.Vms, ct).ConfigureAwait(false))
        {
            if (Read<VmOwner>(claim.Value)?.Host == host && !ha.Contains(ClusterKeys.NameOf(claim.Key)))
            {
                await j.Store.DeleteIfAsync(claim.Key, claim.Value, ct).ConfigureAwait(false);
            }
        }

        // What its running VMs counted against their projects' memory and vCPU limits goes with them (no host would take it back).
        foreach (StoreEntry use in await j.Store.ListAsync(j.Keys.VmUses, ct).ConfigureAwait(false))
        {
            if (Read<VmUse>(use.Value)?.Host == host && !ha.Contains(ClusterKeys.NameOf(use.Key)))
            {
                await j.Store.DeleteIfAsync(use.Key, use.Value, ct).ConfigureAwait(false);
            }
        }

        await j.Store.DeleteAsync(j.Keys.Host(host), ct).ConfigureAwait(false);
        await j.Store.DeleteAsync(j.Keys.Frozen(host), ct).ConfigureAwait(false);
        await j.Store.DeleteAsync(j.Keys.Member(host), ct).ConfigureAwait(false);
    }
}
