using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>A project's VMs over a whole cluster, from the VMs' claims: how many, and how many on each host.</summary>
internal sealed record ClusterProjectVms(int Total, IReadOnlyDictionary<string, int> ByHost)
{
    public static ClusterProjectVms None { get; } = new(0, new Dictionary<string, int>());

    /// <summary>"host-a 1, host-b 2" (by host name), or "none".</summary>
    public string ByHostText() =>
        ByHost.Count == 0 ? "none" : string.Join(", ", ByHost.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key} {h.Value}")));
}

/// <summary>What a claim attempt came to.</summary>
internal enum ClaimOutcome
{
    Claimed,

    /// <summary>The name is claimed already (by this host or another): the caller decides.</summary>
    Taken,

    /// <summary>The project's VM limit refused it (the error says so).</summary>
    Refused,
}

/// <summary>
/// A project's VM limit over a whole cluster (issue 17): every VM's `vms/&lt;name&gt;` claim carries its project, so the
/// project's usage is the count of its claims. A new claim is created in one transaction with the bump of the
/// project's `projectvms/&lt;project&gt;` counter, compared on the value read before the usage was counted: two hosts
/// that both counted the last free slot cannot both claim it (the second transaction finds the counter changed, counts
/// again and is refused). A claim going (a VM deleted) needs no bump: usage only falls, so a check made before stays safe.
/// </summary>
internal static class ProjectClaims
{
    /// <summary>Rounds of read-count-claim before giving up on a project whose claims keep changing.</summary>
    public const int Rounds = 8;

    /// <summary>Each project's VMs from the claims under `vms/` (a claim with no project counts in none).</summary>
    public static IReadOnlyDictionary<string, ClusterProjectVms> Count(IEnumerable<VmOwner?> claims)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (VmOwner? claim in claims)
        {
            if (claim?.Project is not { } project)
            {
                continue;
            }

            Dictionary<string, int> byHost = counts.TryGetValue(project, out Dictionary<string, int>? found) ? found : counts[project] = new(StringComparer.Ordinal);
            byHost[claim.Host] = byHost.GetValueOrDefault(claim.Host) + 1;
        }

        return counts.ToDictionary(c => c.Key, c => new ClusterProjectVms(c.Value.Values.Sum(), c.Value), StringComparer.Ordinal);
    }

    /// <summary>
    /// Null when one more VM fits in <paramref name="project"/>'s <paramref name="limit"/> (null: no limit); else the
    /// refusal with the cluster-wide arithmetic and the hosts the VMs are on.
    /// </summary>
    public static HospesError? Check(string cluster, string project, int? limit, ClusterProjectVms usage, string vm)
    {
        string where = $" in cluster '{cluster}' ({usage.ByHostText()})";
        return Quota.Check(project, new ProjectLimits(Vms: limit), new ProjectUsage(usage.Total, 0, 0), QuotaRequest.Create(vm, 0, 0, start: false), where) is { } refused
            ? refused with { Message = $"{refused.Message}; nothing was created" }
            : null;
    }

    /// <summary>
    /// Claims <paramref name="name"/> for <paramref name="owner"/> (whose project counts it) when the project's VM
    /// <paramref name="limit"/> leaves room over the whole cluster (null: no check, the claim still counts). Throws
    /// <see cref="ClusterStoreException"/> as the store does: nothing is claimed then.
    /// </summary>
    public static async Task<(ClaimOutcome Outcome, HospesError? Refused)> ClaimAsync(
        IClusterStore store, ClusterKeys keys, string cluster, string name, VmOwner owner, int? limit, CancellationToken ct)
    {
        string project = owner.Project ?? throw new ArgumentException("a claim that counts names its project", nameof(owner));
        string claimKey = keys.Vm(name);
        string revisionKey = keys.ProjectRevision(project);
        StorePut claim = new(claimKey, ClusterMembership.Json(owner));
        for (int round = 0; round < Rounds; round++)
        {
            // The counter first, then the claims: a claim made after this read changes the counter, and fails ours.
            StoreEntry? revision = await store.GetAsync(revisionKey, ct).ConfigureAwait(false);
            if (limit is not null)
            {
                IReadOnlyList<StoreEntry> all = await store.ListAsync(keys.Vms, ct).ConfigureAwait(false);
                if (all.Any(e => e.Key == claimKey))
                {
                    return (ClaimOutcome.Taken, null);
                }

                ClusterProjectVms usage = Count(all.Select(e => ClusterService.Read<VmOwner>(e.Value))).GetValueOrDefault(project, ClusterProjectVms.None);
                if (Check(cluster, project, limit, usage, name) is { } refused)
                {
                    return (ClaimOutcome.Refused, refused);
                }
            }

            bool claimed = revision is null
                ? await store.CreateAllAsync([claim, new StorePut(revisionKey, "1")], ct).ConfigureAwait(false)
                : await store.CreateAllIfAsync([claim], revisionKey, revision.Value, [new StorePut(revisionKey, Next(revision.Value))], ct).ConfigureAwait(false);
            if (claimed)
            {
                return (ClaimOutcome.Claimed, null);
            }

            if (await store.GetAsync(claimKey, ct).ConfigureAwait(false) is not null)
            {
                return (ClaimOutcome.Taken, null);
            }
        }

        return (ClaimOutcome.Refused, HospesError.Unavailable(
            $"cannot create VM '{name}': project {project}'s VMs in cluster '{cluster}' changed {Rounds} times while it was counted; nothing was created, try again"));
    }

    internal static string Next(string revision) =>
        (long.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n + 1 : 1).ToString(CultureInfo.InvariantCulture);
}
