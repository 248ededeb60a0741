using Hospes.Core.Errors;
using Hospes.Host.Cluster.Access;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    private const int ListedAtMost = 20;

    /// <summary>The access tables were replaced by the cluster's copy (or put back after a refused change): caches go.</summary>
    public event Action? AccessReplaced;

    /// <summary>Outside a cluster the change just runs; in one it is made on the cluster's copy (<see cref="ClusterAccess.WriteAsync{T}"/>).</summary>
    public Task<Result<T>> ChangeAccessAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return _joined is { } j ? j.Access.WriteAsync(change, ct) : change();
    }

    /// <summary>The version of the cluster's access data this host's tables are (0 outside a cluster, or before the first).</summary>
    public long AccessVersion => _joined?.Access.Version ?? 0;

    /// <summary>
    /// Before a forwarded request is decided: when the forwarding host had a newer copy of the access data than this
    /// host's, the cluster's copy is taken now instead of at the next poll. etcd not answering: this host's copy decides.
    /// </summary>
    public async Task CatchUpAccessAsync(long version, CancellationToken ct)
    {
        if (_joined is { } j && j.Access.Version < version)
        {
            try
            {
                await j.Access.PollAsync(ct).ConfigureAwait(false);
            }
            catch (Store.ClusterStoreException)
            {
                // The poll loop logs a store that does not answer; this host's copy decides meanwhile.
            }
        }
    }

    /// <summary>
    /// A joining host whose users, tokens, grants, … are not all in the cluster's access data would lose them (it takes
    /// the cluster's): refused, naming them and how to go on, before anything is written.
    /// </summary>
    private static async Task<HospesError?> AccessRefusalAsync(Joined j, ClusterJoinOffer offer, CancellationToken ct)
    {
        IReadOnlyList<string> missing = AccessSnapshot.Missing(offer.Access, await j.Access.ClusterTablesAsync(ct).ConfigureAwait(false));
        if (missing.Count == 0)
        {
            return null;
        }

        string listed = string.Join(", ", missing.Take(ListedAtMost)) + (missing.Count > ListedAtMost ? $" and {missing.Count - ListedAtMost} more" : "");
        return HospesError.Conflict(
            $"host '{offer.Name}' cannot join cluster '{j.Config.Name}': users, groups, tokens, grants, roles, projects and client certificates are the cluster's, " +
            $"and a joining host takes the cluster's, but '{offer.Name}' has these the cluster has not: {listed}. " +
            $"Delete them on '{offer.Name}' (hospes user|group|token|acl|role|project|cert ...), or make them on a member of '{j.Config.Name}' first " +
            $"(the cluster's then replace '{offer.Name}''s: passwords and token strings too), and join again; nothing was changed");
    }
}
