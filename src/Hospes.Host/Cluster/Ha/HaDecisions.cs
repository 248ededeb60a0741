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
    /// A host that fenced an HA VM it still owns starts it again only once a renewal was acknowledged within half the
    /// fence time: "not cut off" alone (just under <paramref name="fenceAfter"/>) let a host whose etcd answered slowly
    /// start, fence and start again a guest within a second or two.
    /// </summary>
    public static bool MayStartAgain(TimeSpan? sinceAcknowledged, TimeSpan fenceAfter) => sinceAcknowledged is { } since && since < fenceAfter / 2;

    /// <summary>
    /// The leader takes a host for dead (fenced) once it has seen its `hosts/` key gone for at least
    /// <paramref name="margin"/> (its own monotonic clock). The key is on the host's lease, which etcd ends no sooner
    /// than the TTL after it took the host's last renewal; the host killed its HA VMs' QEMUs at its fence time, which is
    /// shorter than the TTL and timed from when it sent that renewal. So a key seen gone means the host fenced itself
    /// at least TTL − fence time ago; the margin covers the kills taking effect.
    /// </summary>
    public static bool IsDead(bool up, TimeSpan sinceSeenGone, TimeSpan margin) => !up && sinceSeenGone >= margin;

    /// <summary>
    /// Whether the leader moves the HA VMs of a host: dead as <see cref="IsDead"/> says, and not frozen. A frozen host's
    /// hospesd stopped cleanly while its HA VMs ran (their QEMUs outlive it) and wrote `hafrozen/&lt;host&gt;` before it
    /// let go of its lease: its lease is gone, its guests are not; moving them would run each twice. It stays so until
    /// that hospesd is back (it deletes the marker) or an admin removes the host (`hospes cluster remove`).
    /// </summary>
    public static bool MayMove(bool up, bool frozen, TimeSpan sinceSeenGone, TimeSpan margin) => !frozen && IsDead(up, sinceSeenGone, margin);

    /// <summary>
    /// Whether a host whose lease still stands is dead by its heartbeat: its `alive/` key's revision seen unchanged (by
    /// <see cref="HeartbeatWatch"/>, on this host's clock) for at least <paramref name="ttl"/>. Safe for the same reason
    /// as the lease: the last heartbeat put that etcd committed was sent before this host saw it, so before the watch's
    /// timer started; the host fences at its fence time (shorter than the TTL) after the send of its last heartbeat put
    /// that etcd acknowledged, which is no later than that one. Unlike the lease, a new etcd leader does not extend it.
    /// </summary>
    public static bool IsSilent(TimeSpan? unchanged, TimeSpan ttl) => unchanged is { } u && u >= ttl;

    /// <summary>
    /// How long the leader has taken <paramref name="host"/> for dead, or null while it is alive: since it first saw its
    /// `hosts/` key gone (lease ended; <paramref name="sinceSeenGone"/>, null while the key is there), else since its
    /// heartbeat reached <paramref name="ttl"/> unchanged. A VM of the host moves once this reaches the restart margin.
    /// </summary>
    public static TimeSpan? DeadFor(TimeSpan? sinceSeenGone, TimeSpan? unchanged, TimeSpan ttl) =>
        sinceSeenGone ?? (IsSilent(unchanged, ttl) ? unchanged - ttl : null);

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
