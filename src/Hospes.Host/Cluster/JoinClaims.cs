using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>One VM of a host that joins (or makes) a cluster: its claim, and what it counts while running (0 when stopped).</summary>
internal sealed record JoiningVm(string Name, VmOwner Owner, VmUse Use)
{
    public bool Running => Use.MemoryMiB > 0 || Use.Vcpus > 0;
}

/// <summary>
/// `cluster join` (and `init`), on the host that joins: every VM of it claimed, and every running one's `vmuse/` key
/// written, in one transaction with the bump of each of their projects' `projectvms/&lt;project&gt;` counters, compared on
/// the values read before the cluster's VMs and usage were counted (the pattern of <see cref="ProjectClaims"/> and
/// <see cref="ProjectUse"/>): a define or a start on another host that took the room in between changed a counter, so
/// the join counts again and is refused if it no longer fits; a define or start after it counts the joined VMs.
/// </summary>
internal static class JoinClaims
{
    /// <summary>
    /// Claimed when all of <paramref name="vms"/> are claimed for <paramref name="host"/>; else Taken (a name is the
    /// cluster's already) or Refused (a project's limit of <paramref name="projects"/> — the cluster's; null: no check, the
    /// counters still bump — or counters that kept changing), with why; nothing written then. Throws
    /// <see cref="ClusterStoreException"/> as the store does.
    /// </summary>
    public static async Task<(ClaimOutcome Outcome, HospesError? Refused)> ClaimAllAsync(
        IClusterStore store, ClusterKeys keys, string cluster, string host, IReadOnlyList<JoiningVm> vms, IReadOnlyList<ProjectRecord>? projects, CancellationToken ct)
    {
        var names = vms.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        string[] counters = [.. vms.Select(v => keys.ProjectRevision(v.Use.Project)).Distinct(StringComparer.Ordinal)];
        for (int round = 0; round < ProjectClaims.Rounds; round++)
        {
            // The counters first, then the claims and keys: a claim or start made after these reads changes a counter, and fails ours.
            var read = new List<StoreCompare>();
            foreach (string counter in counters)
            {
                read.Add(new StoreCompare(counter, (await store.GetAsync(counter, ct).ConfigureAwait(false))?.Value));
            }

            IReadOnlyList<StoreEntry> claims = await store.ListAsync(keys.Vms, ct).ConfigureAwait(false);
            string[] taken = [.. claims.Where(c => names.Contains(ClusterKeys.NameOf(c.Key))).Select(c => $"{ClusterKeys.NameOf(c.Key)} (owned by {ClusterService.Read<VmOwner>(c.Value)?.Host ?? "?"})")];
            if (taken.Length > 0)
            {
                return (ClaimOutcome.Taken, HospesError.Conflict($"cannot join cluster '{cluster}': VM names of this host are taken there: {string.Join(", ", taken)}; delete or rename them here first (this host left the cluster again)"));
            }

            if (projects is not null)
            {
                // A key under a joining VM's name (left by a host that had one of that name) is not counted: the join's replaces it.
                IEnumerable<StoreEntry> uses = (await store.ListAsync(keys.VmUses, ct).ConfigureAwait(false)).Where(u => !names.Contains(ClusterKeys.NameOf(u.Key)));
                if (ProjectUse.JoinRefusal(cluster, host, [.. vms.Select(v => v.Use)], projects, ProjectClaims.Count(claims.Select(c => ClusterService.Read<VmOwner>(c.Value))), ProjectUse.Count(uses),
                    "this host left the cluster again, and the token is used: `hospes cluster token` on a member makes another") is { } refused)
                {
                    return (ClaimOutcome.Refused, refused);
                }
            }

            IReadOnlyList<StoreCompare> compares = [.. vms.Select(v => new StoreCompare(keys.Vm(v.Name), null)), .. read];
            IReadOnlyList<StorePut> puts =
            [
                .. vms.Select(v => new StorePut(keys.Vm(v.Name), ClusterMembership.Json(v.Owner))),
                .. vms.Where(v => v.Running).Select(v => new StorePut(keys.VmUse(v.Name), ClusterMembership.Json(v.Use))),
                .. read.Select(c => new StorePut(c.Key, c.Value is null ? "1" : ProjectClaims.Next(c.Value))),
            ];
            if (await store.CommitIfAsync(compares, puts, ct).ConfigureAwait(false))
            {
                return (ClaimOutcome.Claimed, null);
            }
        }

        return (ClaimOutcome.Refused, HospesError.Unavailable($"cannot join cluster '{cluster}': the VMs of its projects changed {ProjectClaims.Rounds} times while this host's were counted; this host left the cluster again, join again with a new token"));
    }
}
