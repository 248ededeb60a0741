using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster.Ha;

/// <summary>
/// What this host has seen of the other hosts' heartbeats (`alive/&lt;host&gt;`, put by each host every renewal round),
/// timed on this host's own monotonic clock, never on another host's: per host, the key's revision, when a list first
/// showed that revision (taken when the list came back: the put was committed before that) and when the last list that
/// still showed it was sent (the revision was still current then: etcd's reads are linearizable). A host whose key is
/// missing from a list is forgotten (its lease is gone: the lease path decides); a host seen for the first time, or
/// again after that, starts from zero. Kubernetes' node lifecycle controller judges nodes by their Lease objects the
/// same way: by when it saw them change, not by the time they carry.
/// </summary>
internal sealed class HeartbeatWatch(TimeProvider time)
{
    private readonly Dictionary<string, Beat> _beats = new(StringComparer.Ordinal);

    /// <summary>Records one list of `alive/`, sent at <paramref name="sentAt"/> (a timestamp taken before the request).</summary>
    public void Observe(IReadOnlyList<StoreEntry> alive, long sentAt)
    {
        long receivedAt = time.GetTimestamp();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (StoreEntry e in alive)
        {
            string host = ClusterKeys.NameOf(e.Key);
            seen.Add(host);
            _beats[host] = _beats.TryGetValue(host, out Beat? b) && b.Revision == e.ModRevision
                ? b with { UnchangedThrough = Math.Max(b.UnchangedThrough, sentAt) }
                : new Beat(e.ModRevision, receivedAt, receivedAt);
        }

        foreach (string gone in _beats.Keys.Where(h => !seen.Contains(h)).ToList())
        {
            _beats.Remove(gone);
        }
    }

    /// <summary>
    /// How long <paramref name="host"/>'s heartbeat is known not to have changed: from the list that first showed its
    /// current revision coming back to the sending of the last list that still showed it. Null: not in the last list.
    /// </summary>
    public TimeSpan? Unchanged(string host) =>
        _beats.TryGetValue(host, out Beat? b) ? time.GetElapsedTime(b.ChangedAt, Math.Max(b.ChangedAt, b.UnchangedThrough)) : null;

    private sealed record Beat(long Revision, long ChangedAt, long UnchangedThrough);
}
