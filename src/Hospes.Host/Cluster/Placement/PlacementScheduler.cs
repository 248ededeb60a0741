using System.Globalization;
using Hospes.Core.Errors;

namespace Hospes.Host.Cluster.Placement;

/// <summary>
/// Which hosts may take a new VM, best first: up, not cordoned, whose memory admission would still admit its memory;
/// most memory left after admission first, then fewest VMs, then by name. A host named with --host is the one answer
/// (its own admission decides). The figures are a few seconds old: the chosen host's admission has the last word, and
/// the caller tries the next host when it refuses.
/// </summary>
internal static partial class PlacementScheduler
{
    /// <summary>What a host's admission would still admit: under its commit limit, and above its reserve of what is available.</summary>
    public static long AdmitsMib(HostResources r)
    {
        long available = r.MemoryFreeMib - r.MemoryReserveMib;
        return Math.Max(0, r.MemoryCommitLimitMib > 0 ? Math.Min(r.MemoryCommitLimitMib - r.MemoryCommittedMib, available) : available);
    }

    public static Result<IReadOnlyList<string>> Order(IReadOnlyList<PlacementCandidate> hosts, long memoryMib, string? pinned, string vm)
    {
        if (pinned is not null)
        {
            if (hosts.FirstOrDefault(h => h.Name == pinned) is not { } host)
            {
                return HospesError.NotFound($"no host named '{pinned}' in the cluster; its hosts are {string.Join(", ", hosts.Select(h => h.Name).Order(StringComparer.Ordinal))} (`hospes cluster list`)");
            }

            if (!host.Up)
            {
                return HospesError.Unavailable($"cannot place VM '{vm}' on host '{pinned}': it is down; choose another host with --host, or leave --host out");
            }

            return host.Cordoned
                ? HospesError.State($"cannot place VM '{vm}' on host '{pinned}': it is cordoned (evacuated) and takes no new VMs; `hospes host restore {pinned}` ends that, or choose another host")
                : Result.Ok<IReadOnlyList<string>>([pinned]);
        }

        var eligible = hosts.Where(h => h.Up && !h.Cordoned && h.Resources is not null).ToList();
        var fit = eligible.Where(h => AdmitsMib(h.Resources!) >= memoryMib)
            .OrderByDescending(h => AdmitsMib(h.Resources!))
            .ThenBy(h => h.Resources!.Vms)
            .ThenBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => h.Name)
            .ToList();
        if (fit.Count > 0)
        {
            return fit;
        }

        if (eligible.Count == 0)
        {
            string why = string.Join(", ", hosts.Select(h => $"{h.Name} {(h.Up ? h.Cordoned ? "cordoned" : "up" : "down")}"));
            return HospesError.Unavailable($"cannot place VM '{vm}': no host of the cluster takes new VMs now ({why})");
        }

        string figures = string.Join(", ", eligible.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Name} {AdmitsMib(h.Resources!)} MiB")));
        return HospesError.Unavailable($"cannot place VM '{vm}': no host can admit its {memoryMib} MiB (left after admission: {figures}); stop a VM, give it less memory, or add a host");
    }
}
