using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Evacuation;
using Hospes.Host.Cluster.Placement;

namespace Hospes.Host.Migration.Evacuation;

/// <summary>Where an evacuated VM goes: the cluster's placement scheduler, on the members this host may migrate to.</summary>
internal sealed partial class EvacuationService
{
    /// <summary>
    /// The member the scheduler puts first for a VM of <paramref name="memoryMib"/> MiB, among the up, uncordoned
    /// members other than this one that this host trusts, their figures less what this evacuation sent there already
    /// (<paramref name="planned"/>).
    /// </summary>
    private async Task<Result<string>> ChooseAsync(string vm, long memoryMib, IReadOnlyDictionary<string, long> planned, CancellationToken ct)
    {
        Result<IReadOnlyList<ClusterHost>> hosts = await _cluster.ListAsync(ct).ConfigureAwait(false);
        Result<IReadOnlyDictionary<string, CordonRecord>> cordons = await _cluster.CordonsAsync(ct).ConfigureAwait(false);
        if (!hosts.IsOk || !cordons.IsOk)
        {
            return hosts.IsOk ? cordons.Error! : hosts.Error!;
        }

        PlacementCandidate[] candidates = [.. hosts.Value.Select(h => new PlacementCandidate(h.Member.Name, h.Up, cordons.Value.ContainsKey(h.Member.Name), h.Resources))];
        return Choose(candidates, _cluster.HostName, name => _peers.Reachable(name).IsOk, vm, memoryMib, planned);
    }

    /// <summary>
    /// The choice itself (no I/O): this host and the hosts it does not trust are left out, each host's figures are less
    /// what <paramref name="planned"/> says went there, and <see cref="PlacementScheduler.Order"/> decides.
    /// </summary>
    internal static Result<string> Choose(IReadOnlyList<PlacementCandidate> hosts, string self, Func<string, bool> trusted, string vm, long memoryMib, IReadOnlyDictionary<string, long> planned)
    {
        var left = new List<string>();
        var candidates = new List<PlacementCandidate>();
        foreach (PlacementCandidate h in hosts.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            if (h.Name == self)
            {
                continue;
            }

            if (!trusted(h.Name))
            {
                left.Add($"{h.Name}: not trusted by this host (`hospes host add`)");
                continue;
            }

            long sent = planned.GetValueOrDefault(h.Name);
            candidates.Add(h.Resources is { } r && sent > 0
                ? h with { Resources = r with { MemoryFreeMib = r.MemoryFreeMib - sent, MemoryCommittedMib = r.MemoryCommittedMib + sent } }
                : h);
        }

        if (candidates.Count == 0)
        {
            return HospesError.State($"no host can take it ({memoryMib} MiB): {(left.Count == 0 ? "this host is the cluster's only member" : string.Join("; ", left))}");
        }

        Result<IReadOnlyList<string>> order = PlacementScheduler.Order(candidates, memoryMib, pinned: null, vm);
        if (!order.IsOk)
        {
            return HospesError.State(left.Count == 0 ? order.Error.Message : $"{order.Error.Message} ({string.Join("; ", left)})");
        }

        return order.Value[0];
    }
}
