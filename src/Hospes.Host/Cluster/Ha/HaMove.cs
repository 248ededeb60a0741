using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster.Ha;

/// <summary>The HA leader's move of a dead host's VM to another host, as one transaction.</summary>
internal static class HaMove
{
    /// <summary>
    /// While <paramref name="owned"/> (the VM's claim, <paramref name="owner"/>) is unchanged: the claim names
    /// <paramref name="target"/>, the order `harestart/&lt;vm&gt;` tells it to start the VM, and the VM's `vmuse/` key, when
    /// it has one (it ran), names <paramref name="target"/> with what it counted: the VM's memory and vCPUs stay counted
    /// in its project's limits over the cluster from this moment, so no start elsewhere takes that room before the
    /// restart is admitted (which replaces the key), and the target's round keeps the key while the order stands (then
    /// deletes it when the order is given up). The key is compared too (it is read here). True when written.
    /// </summary>
    public static async Task<bool> CommitAsync(IClusterStore store, ClusterKeys keys, string name, StoreEntry owned, VmOwner owner, string target, DateTimeOffset at, CancellationToken ct)
    {
        StoreEntry? use = await store.GetAsync(keys.VmUse(name), ct).ConfigureAwait(false);
        var compares = new List<StoreCompare> { new(owned.Key, owned.Value), new(keys.VmUse(name), use?.Value) };
        var puts = new List<StorePut>
        {
            new(owned.Key, ClusterMembership.Json(owner with { Host = target, Since = at })),
            new(keys.HaRestart(name), ClusterMembership.Json(new HaRestart(target, owner.Host, at))),
        };
        if (use is not null && ClusterService.Read<VmUse>(use.Value) is { } counted)
        {
            puts.Add(new StorePut(use.Key, ClusterMembership.Json(counted with { Host = target })));
        }

        return await store.CommitIfAsync(compares, puts, ct).ConfigureAwait(false);
    }
}
