using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Placement;

namespace Hospes.Host.Edge;

/// <summary>Placement of a create or define in a cluster: the hosts to try, best first (this host among them as a local one).</summary>
public sealed partial class ClusterForwarding
{
    /// <summary>
    /// The hosts that may take VM <paramref name="vm"/> of <paramref name="memoryMib"/> MiB, best first; <paramref name="pinned"/>
    /// (--host) is the one answer. The caller tries them in turn while a host's admission refuses.
    /// </summary>
    public async Task<Result<IReadOnlyList<ForwardHost>>> PlaceAsync(string vm, long memoryMib, string? pinned, CancellationToken ct)
    {
        Result<ClusterView> read = await _cluster.ViewAsync(ct).ConfigureAwait(false);
        if (!read.IsOk)
        {
            return HospesError.Unavailable($"cannot place VM '{vm}': {read.Error.Message}");
        }

        ClusterView view = read.Value;
        PlacementCandidate[] candidates = [.. view.Members.Select(m => new PlacementCandidate(m.Name, view.Up.ContainsKey(m.Name), view.Cordoned.Contains(m.Name), view.Up.GetValueOrDefault(m.Name)))];
        Result<IReadOnlyList<string>> order = PlacementScheduler.Order(candidates, memoryMib, pinned, vm);
        if (!order.IsOk)
        {
            return order.Error;
        }

        var hosts = new List<ForwardHost>();
        foreach (string name in order.Value)
        {
            if (name == HostName)
            {
                hosts.Add(new ForwardHost(name, "", "", IsLocal: true));
                continue;
            }

            Result<ForwardHost> target = Target(new RemoteOwner(view.Members.First(m => m.Name == name), Up: true), $"VM '{vm}' placed on host '{name}'");
            if (target.IsOk)
            {
                hosts.Add(target.Value);
            }
            else if (pinned is not null)
            {
                return target.Error;
            }
        }

        return hosts;
    }
}
