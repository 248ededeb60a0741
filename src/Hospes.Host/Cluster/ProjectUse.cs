using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>
/// A project's memory and vCPU limits over a whole cluster (issue 17): every running VM has a `vmuse/&lt;name&gt;` key
/// with what it counts (its memory and vCPUs, as on one host: VMs with a QEMU), so the project's usage is the sum of
/// its keys. A key is written (a start, a growth by mem-set or vcpu-set) in one transaction with the bump of the
/// project's `projectvms/&lt;project&gt;` counter (the one VM claims bump), compared on the value read before the usage
/// was summed: two hosts that both counted the last free room cannot both take it, as for <see cref="ProjectClaims"/>.
/// A key going or shrinking (a stop, a shrink) needs no bump: usage only falls.
/// </summary>
internal static class ProjectUse
{
    /// <summary>Each project's running memory and vCPUs from the `vmuse/` keys, leaving out VM <paramref name="exclude"/>'s.</summary>
    public static IReadOnlyDictionary<string, ClusterProjectUse> Count(IEnumerable<StoreEntry> uses, string? exclude = null)
    {
        var counts = new Dictionary<string, ClusterProjectUse>(StringComparer.Ordinal);
        foreach (StoreEntry e in uses)
        {
            if (ClusterKeys.NameOf(e.Key) == exclude || ClusterService.Read<VmUse>(e.Value) is not { } use)
            {
                continue;
            }

            counts[use.Project] = counts.GetValueOrDefault(use.Project, ClusterProjectUse.None).Plus(use);
        }

        return counts;
    }

    /// <summary>
    /// Null when <paramref name="request"/> fits in <paramref name="project"/>'s memory and vCPU
    /// <paramref name="limits"/> over the cluster; else the refusal with the cluster-wide arithmetic and the hosts the
    /// usage is on, one line a limit. (The VM limit is <see cref="ProjectClaims"/>'.)
    /// </summary>
    public static HospesError? Check(string cluster, string project, ProjectLimits limits, ClusterProjectUse usage, QuotaRequest request)
    {
        var lines = new List<string>();
        if (Quota.Check(project, new ProjectLimits(MemoryMiB: limits.MemoryMiB), new ProjectUsage(0, usage.MemoryMiB, 0), request with { Vms = 0, Vcpus = 0 }, $" in cluster '{cluster}' ({usage.MemoryText()})") is { } memory)
        {
            lines.Add(memory.Message);
        }

        if (Quota.Check(project, new ProjectLimits(Vcpus: limits.Vcpus), new ProjectUsage(0, 0, usage.Vcpus), request with { Vms = 0, MemoryMiB = 0 }, $" in cluster '{cluster}' ({usage.VcpusText()})") is { } vcpus)
        {
            lines.Add(vcpus.Message);
        }

        return lines.Count switch
        {
            0 => null,
            1 => HospesError.Unavailable(lines[0]),
            _ => HospesError.Unavailable(string.Join("\n", lines)) with { Details = lines },
        };
    }

    /// <summary>
    /// Writes <paramref name="use"/> as VM <paramref name="name"/>'s usage when <paramref name="request"/> fits in the
    /// project's <paramref name="limits"/> (null: no check, the write still bumps the counter) over the whole cluster:
    /// the other VMs' keys, plus <paramref name="now"/> (what this VM counts already, for a growth; null for a start).
    /// Null when written; else the refusal (nothing written). Throws <see cref="ClusterStoreException"/> as the store does.
    /// </summary>
    public static async Task<HospesError?> AdmitAsync(
        IClusterStore store, ClusterKeys keys, string cluster, string name, VmUse use, VmUse? now, ProjectLimits? limits, QuotaRequest request, CancellationToken ct)
    {
        string counter = keys.ProjectRevision(use.Project);
        StorePut put = new(keys.VmUse(name), ClusterMembership.Json(use));
        for (int round = 0; round < ProjectClaims.Rounds; round++)
        {
            // The counter first, then the keys: a raise made after this read changes the counter, and fails ours.
            StoreEntry? revision = await store.GetAsync(counter, ct).ConfigureAwait(false);
            if (revision is null)
            {
                // A project's first: the counter is made (by this host or another), then read again.
                await store.CreateAllAsync([new StorePut(counter, "0")], ct).ConfigureAwait(false);
                continue;
            }

            if (limits is not null)
            {
                IReadOnlyList<StoreEntry> all = await store.ListAsync(keys.VmUses, ct).ConfigureAwait(false);
                ClusterProjectUse usage = Count(all, exclude: name).GetValueOrDefault(use.Project, ClusterProjectUse.None);
                if (now is not null)
                {
                    usage = usage.Plus(now);
                }

                if (Check(cluster, use.Project, limits, usage, request) is { } refused)
                {
                    return refused;
                }
            }

            if (await store.PutAllIfAsync(counter, revision.Value, [put, new StorePut(counter, ProjectClaims.Next(revision.Value))], ct).ConfigureAwait(false))
            {
                return null;
            }
        }

        return HospesError.Unavailable($"project {use.Project}'s running VMs in cluster '{cluster}' changed {ProjectClaims.Rounds} times while they were counted; try again");
    }

    /// <summary>
    /// `cluster join`, on the member asked: null when the joining host's VMs (<paramref name="joining"/>: each with its
    /// project and what it counts while running) fit in every project's limits together with the cluster's; else the
    /// refusal naming each project, limit and the cluster's usage by host, ending with <paramref name="done"/>.
    /// </summary>
    public static HospesError? JoinRefusal(
        string cluster, string host, IReadOnlyList<VmUse> joining, IReadOnlyList<ProjectRecord> projects,
        IReadOnlyDictionary<string, ClusterProjectVms> vms, IReadOnlyDictionary<string, ClusterProjectUse> running, string done = "nothing was changed")
    {
        var lines = new List<string>();
        foreach (IGrouping<string, VmUse> group in joining.GroupBy(v => v.Project, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (projects.FirstOrDefault(p => p.Name == group.Key) is not { } project)
            {
                continue;
            }

            int count = group.Count();
            var request = new QuotaRequest("joining", count, group.Sum(v => v.MemoryMiB), group.Sum(v => v.Vcpus), $"{host} with {count} VM{(count == 1 ? "" : "s")}");
            ClusterProjectVms defined = vms.GetValueOrDefault(group.Key, ClusterProjectVms.None);
            if (Quota.Check(group.Key, new ProjectLimits(Vms: project.Limits.Vms), new ProjectUsage(defined.Total, 0, 0), request with { MemoryMiB = 0, Vcpus = 0 }, $" in cluster '{cluster}' ({defined.ByHostText()})") is { } tooMany)
            {
                lines.Add(tooMany.Message);
            }

            if (Check(cluster, group.Key, project.Limits, running.GetValueOrDefault(group.Key, ClusterProjectUse.None), request) is { } refused)
            {
                lines.AddRange(refused.Details.Count > 0 ? refused.Details : [refused.Message]);
            }
        }

        return lines.Count == 0
            ? null
            : HospesError.Conflict($"host '{host}' cannot join cluster '{cluster}': its VMs would take projects over their limits, which hold for the whole cluster: "
                + string.Join(". ", lines)
                + $". Stop or delete those VMs on '{host}', or raise the limits on a member of '{cluster}', and join again; {done}") with
            { Details = lines };
    }
}
