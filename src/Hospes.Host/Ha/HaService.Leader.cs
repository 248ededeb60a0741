using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Ha;

internal sealed partial class HaService
{
    /// <summary>
    /// Every host notes when it sees each host alive (its `hosts/` key, and its heartbeat's changes); the leader (the
    /// host whose name `election/leader` holds on its current lease; the key is taken by compare-create when it is free,
    /// or by compare-and-put from a holder whose heartbeat this host saw unchanged for the TTL) moves the HA VMs of the
    /// hosts it takes for dead.
    /// </summary>
    private async Task LeadAsync(IClusterStore store, ClusterKeys keys, long lease, CancellationToken ct)
    {
        long sent = _time.GetTimestamp();
        _heartbeats.Observe(await store.ListAsync(keys.Alives, ct).ConfigureAwait(false), sent);
        StoreEntry? key = await store.GetAsync(keys.Leader, ct).ConfigureAwait(false);
        bool leads = HaLeader.Leads(key, _cluster.HostName, lease);
        if (!leads && key is null && lease != 0)
        {
            leads = await store.CreateAllAsync([new StorePut(keys.Leader, _cluster.HostName, lease)], ct).ConfigureAwait(false);
        }
        else if (!leads && lease != 0 && HaLeader.HostOf(key) is { } holder && holder != _cluster.HostName &&
            _heartbeats.Unchanged(holder) is { } silent && HaDecisions.IsSilent(silent, ClusterMembership.LeaseTtl))
        {
            // The holder's lease (and so the key) may stand for 15 s more when it was etcd's leader too; it fenced itself
            // (and stopped leading) before its heartbeat went silent this long, and its writes cannot commit.
            leads = await store.PutAllIfAsync(keys.Leader, key!.Value, [new StorePut(keys.Leader, _cluster.HostName, lease)], ct).ConfigureAwait(false);
            if (leads)
            {
                LogLeaderTaken(holder, silent.TotalSeconds);
            }
        }

        if (leads != _leading)
        {
            _leading = leads;
            if (leads)
            {
                LogLeader(_cluster.HostName);
                Tell("leader", null, null, $"{_cluster.HostName} is the cluster's leader now (HA and placement)");
            }
            else
            {
                LogLeaderLost(0);
                Tell("leader lost", null, null, $"{_cluster.HostName} is no longer the cluster's leader ({HaLeader.HostOf(key) ?? "none"} is)");
            }
        }

        long now = _time.GetTimestamp();
        var alive = new Dictionary<string, HostResources>(StringComparer.Ordinal);
        foreach (StoreEntry e in await store.ListAsync(keys.Hosts, ct).ConfigureAwait(false))
        {
            string name = ClusterKeys.NameOf(e.Key);
            alive[name] = ClusterService.Read<HostResources>(e.Value) ?? new HostResources();
            _seenGone.Remove(name);
            _frozenTold.Remove(name);
        }

        if (!leads)
        {
            return;
        }

        await _cluster.KeepVotersAsync(alive.Keys, ct).ConfigureAwait(false);

        // A host dead by its heartbeat still has its `hosts/` key (until its lease ends): no target, and not a voter change.
        var targets = alive.Where(h => !HaDecisions.IsSilent(_heartbeats.Unchanged(h.Key), ClusterMembership.LeaseTtl))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);

        IReadOnlySet<string> cordoned = (await store.ListAsync(keys.Cordoned, ct).ConfigureAwait(false)).Select(e => ClusterKeys.NameOf(e.Key)).ToHashSet(StringComparer.Ordinal);

        // Read after `hosts/`: a host writes its freeze mark before it lets go of its lease, so one seen gone above shows here.
        HashSet<string>? frozen = null;
        foreach (StoreEntry e in await store.ListAsync(keys.HaVms, ct).ConfigureAwait(false))
        {
            if (ClusterService.Read<HaRecord>(e.Value) is not { } record)
            {
                continue;
            }

            StoreEntry? owned = await store.GetAsync(keys.Vm(record.Name), ct).ConfigureAwait(false);
            if (owned is null || ClusterService.Read<VmOwner>(owned.Value) is not { } owner || owner.Host == _cluster.HostName)
            {
                continue;
            }

            TimeSpan? seenGone = null;
            if (!alive.ContainsKey(owner.Host))
            {
                if (!_seenGone.TryGetValue(owner.Host, out long gone))
                {
                    _seenGone[owner.Host] = gone = now;
                }

                seenGone = _time.GetElapsedTime(gone);
            }

            TimeSpan? unchanged = _heartbeats.Unchanged(owner.Host);
            if (HaDecisions.DeadFor(seenGone, unchanged, ClusterMembership.LeaseTtl) is not { } deadFor)
            {
                continue;
            }

            frozen ??= (await store.ListAsync(keys.HaFrozen, ct).ConfigureAwait(false)).Select(f => ClusterKeys.NameOf(f.Key)).ToHashSet(StringComparer.Ordinal);
            bool isFrozen = frozen.Contains(owner.Host);
            if (isFrozen && _frozenTold.Add(owner.Host))
            {
                LogFrozenHost(owner.Host);
                Tell("frozen", null, null, $"host {owner.Host} is down but frozen (its hospesd stopped cleanly while HA VMs ran there; their QEMUs run on): its HA VMs are not moved until it is back or `hospes cluster remove {owner.Host}`");
            }

            if (!HaDecisions.MayMove(up: false, isFrozen, deadFor, _options.HaRestartMargin))
            {
                continue;
            }

            string why = seenGone is not null ? "lease ended" : $"heartbeat unchanged for {unchanged!.Value.TotalSeconds:0.0} s";
            await MoveAsync(store, keys, record, owned, owner, targets, cordoned, why, deadFor, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One transaction (<see cref="HaMove.CommitAsync"/>): the owner becomes the chosen host, the order to start it is
    /// written and the VM's usage key (what it counted on the dead host) names the chosen host, only while the dead host
    /// still owns it: the room it takes in its project's limits is kept for the restart.
    /// </summary>
    private async Task MoveAsync(IClusterStore store, ClusterKeys keys, HaRecord record, StoreEntry owned, VmOwner owner,
        IReadOnlyDictionary<string, HostResources> alive, IReadOnlySet<string> cordoned, string why, TimeSpan deadFor, CancellationToken ct)
    {
        if (HaDecisions.ChooseTarget(alive, cordoned, owner.Host, record.MemoryMib) is not { } target)
        {
            if (_noTarget.Add(record.Name))
            {
                LogNoTarget(record.Name, owner.Host, record.MemoryMib);
                Tell("no host", record.Name, record.Project, $"HA VM {record.Name} of dead host {owner.Host} waits: no up, uncordoned host has {record.MemoryMib} MiB free");
            }

            return;
        }

        _noTarget.Remove(record.Name);
        DateTimeOffset at = _time.GetUtcNow();
        if (await HaMove.CommitAsync(store, keys, record.Name, owned, owner, target, at, ct).ConfigureAwait(false))
        {
            LogMoved(record.Name, owner.Host, target, why, deadFor.TotalSeconds);
            Tell("move", record.Name, record.Project, $"host {owner.Host} is dead ({why}; dead for {deadFor.TotalSeconds:0.0} s): HA VM {record.Name} now belongs to {target}, which starts it");
        }
    }
}
