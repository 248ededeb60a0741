using Hospes.Core.Errors;

namespace Hospes.Host.Cluster.Placement;

internal static partial class PlacementScheduler
{
    /// <summary>
    /// Places <paramref name="count"/> VMs of <paramref name="memoryMib"/> MiB each at once (a clone run): one by one, each on
    /// the host with the most memory left after admission less what this plan gave it already, then the fewest VMs
    /// (counting this plan's), then by name; so a run is spread although the hosts' figures change only every few
    /// seconds. When no host has room left the spread goes on by the same order: each host's admission refuses the
    /// starts it cannot take, per clone. <paramref name="pinned"/> (--host) takes them all. The answer: a host per VM.
    /// </summary>
    public static Result<IReadOnlyList<string>> Spread(IReadOnlyList<PlacementCandidate> hosts, int count, long memoryMib, string? pinned, string what)
    {
        Result<IReadOnlyList<string>> first = Order(hosts, pinned is null ? 0 : memoryMib, pinned, what);
        if (!first.IsOk)
        {
            return first.Error;
        }

        if (pinned is not null)
        {
            return Result.Ok<IReadOnlyList<string>>([.. Enumerable.Repeat(pinned, count)]);
        }

        var left = first.Value.ToDictionary(h => h, h => AdmitsMib(hosts.First(c => c.Name == h).Resources!), StringComparer.Ordinal);
        var vms = first.Value.ToDictionary(h => h, h => hosts.First(c => c.Name == h).Resources!.Vms, StringComparer.Ordinal);
        var plan = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            string host = left.Keys
                .OrderByDescending(h => left[h] >= memoryMib)
                .ThenByDescending(h => left[h])
                .ThenBy(h => vms[h])
                .ThenBy(h => h, StringComparer.Ordinal)
                .First();
            plan.Add(host);
            left[host] -= memoryMib;
            vms[host]++;
        }

        return plan;
    }
}
