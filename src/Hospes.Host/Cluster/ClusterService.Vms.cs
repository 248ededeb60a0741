using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    public async Task<HospesError?> ClaimAsync(string name, Guid uuid, string project, bool admit, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        if (j.Membership.Removed)
        {
            return Removed(j.Config);
        }

        try
        {
            var mine = new VmOwner(HostName, uuid.ToString(), _time.GetUtcNow(), project);
            int? limit = admit ? _db.LoadProjects().FirstOrDefault(p => p.Name == project)?.Limits.Vms : null;
            (ClaimOutcome outcome, HospesError? refused) = await ProjectClaims.ClaimAsync(j.Store, j.Keys, j.Config.Name, name, mine, limit, ct).ConfigureAwait(false);
            if (outcome == ClaimOutcome.Claimed)
            {
                return null;
            }

            if (outcome == ClaimOutcome.Refused)
            {
                LogProjectRefused(name, project, refused!.Message);
                return refused;
            }

            StoreEntry? current = await j.Store.GetAsync(j.Keys.Vm(name), ct).ConfigureAwait(false);
            VmOwner? owner = current is null ? null : Read<VmOwner>(current.Value);
            if (owner?.Host == HostName && current is not null)
            {
                // Left by a delete whose release did not reach etcd: this host's own name, taken again.
                await j.Store.PutAsync(j.Keys.Vm(name), ClusterMembership.Json(mine), 0, ct).ConfigureAwait(false);
                return null;
            }

            return HospesError.Conflict($"VM name '{name}' is taken in cluster '{j.Config.Name}': host '{owner?.Host ?? "?"}' owns it; choose another name");
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot define VM '{name}': the cluster's store must record its owner first, and {e.Message}");
        }
    }

    public async Task<IReadOnlyDictionary<string, ClusterProjectVms>?> ProjectVmsAsync(CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        try
        {
            IReadOnlyList<StoreEntry> claims = await j.Store.ListAsync(j.Keys.Vms, ct).ConfigureAwait(false);
            return ProjectClaims.Count(claims.Select(c => Read<VmOwner>(c.Value)));
        }
        catch (ClusterStoreException e)
        {
            LogProjectUsageUnknown(e.Message);
            return null;
        }
    }

    public async Task ReleaseAsync(string name, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return;
        }

        try
        {
            if (await j.Store.GetAsync(j.Keys.Vm(name), ct).ConfigureAwait(false) is { } claim && Read<VmOwner>(claim.Value)?.Host == HostName)
            {
                await j.Store.DeleteIfAsync(claim.Key, claim.Value, ct).ConfigureAwait(false);
            }
        }
        catch (ClusterStoreException e)
        {
            LogReleaseFailed(name, e.Message);
        }
    }

    /// <summary>
    /// At join or init: every VM of this host claimed, and its running ones' usage written, in one transaction with the
    /// bump of their projects' counters (all or none, <see cref="JoinClaims"/>). A join is checked against the cluster's
    /// project limits (those of its access data) again there: the member asked checked them before, but a define or start
    /// elsewhere may have taken the room since. Null when done.
    /// </summary>
    private async Task<HospesError?> ClaimAllAsync(Joined j, CancellationToken ct)
    {
        IReadOnlyList<JoiningVm> vms = JoiningVms();
        if (vms.Count == 0)
        {
            return null;
        }

        IReadOnlyList<ProjectRecord>? projects = null;
        if (j.Config.InitialState != "new" && await j.Store.GetAsync(j.Keys.Access, ct).ConfigureAwait(false) is { } access
            && Hospes.Host.Cluster.Access.AccessSnapshot.Parse(access.Value) is { } snapshot)
        {
            projects = [.. snapshot.Tables.Projects.Select(p => new ProjectRecord(p.Name, new ProjectLimits(p.LimitVms, p.LimitMemoryMib, p.LimitVcpus), DateTimeOffset.MinValue))];
        }

        (ClaimOutcome outcome, HospesError? refused) = await JoinClaims.ClaimAllAsync(j.Store, j.Keys, j.Config.Name, HostName, vms, projects, ct).ConfigureAwait(false);
        if (outcome == ClaimOutcome.Refused)
        {
            LogJoinOverLimits(HostName, refused!.Message);
        }

        return refused;
    }

    [LoggerMessage(EventId = LogEvents.ClusterProjectRefused, Level = LogLevel.Information, Message = "VM {Vm} not claimed: project {Project}'s VM limit over the cluster: {Why}")]
    private partial void LogProjectRefused(string vm, string project, string why);

    [LoggerMessage(EventId = LogEvents.ClusterProjectUsageUnknown, Level = LogLevel.Warning, Message = "the projects' VMs over the cluster could not be counted (this host's own are shown): {Why}")]
    private partial void LogProjectUsageUnknown(string why);
}
