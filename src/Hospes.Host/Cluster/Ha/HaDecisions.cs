namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// HA's decisions, apart from what carries them out (unit-tested): when a host fences itself, when the leader takes a
/// host for dead, and where a dead host's HA VM starts again.
/// </summary>
internal static class HaDecisions
{
    /// <summary>
    /// A host kills its HA VMs once etcd has not acknowledged a renewal of its lease for <paramref name="fenceAfter"/>
    /// (timed from the send time of the last acknowledged one), which is before the lease can expire: the lease lives
    /// at least its TTL from when etcd took that renewal, later than it was sent. Never before the first renewal.
    /// </summary>
    public static bool MustFence(TimeSpan? sinceAcknowledged, TimeSpan fenceAfter) => sinceAcknowledged is { } since && since >= fenceAfter;

    /// <summary>
    /// The leader takes a host for dead (fenced) when its `hosts/` key is gone and it last saw it alive at least the
    /// lease's TTL plus <paramref name="margin"/> ago (its own monotonic clock).
    /// </summary>
    public static bool IsDead(bool up, TimeSpan sinceSeenAlive, TimeSpan ttl, TimeSpan margin) => !up && sinceSeenAlive >= ttl + margin;

    /// <summary>
    /// Where a dead host's HA VM of <paramref name="memoryMib"/> starts: the up host (not the dead one, not cordoned)
    /// with the most free memory that has room for it; fewer running VMs, then the name, break ties. Null: none fits.
    /// </summary>
    public static string? ChooseTarget(IReadOnlyDictionary<string, HostResources> up, IReadOnlySet<string> cordoned, string dead, int memoryMib) =>
        up.Where(h => h.Key != dead && !cordoned.Contains(h.Key) && h.Value.MemoryFreeMib >= memoryMib)
            .OrderByDescending(h => h.Value.MemoryFreeMib)
            .ThenBy(h => h.Value.VmsRunning)
            .ThenBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => h.Key)
            .FirstOrDefault();
}
