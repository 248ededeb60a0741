using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

internal sealed partial class ClusterService
{
    public async Task<HospesError?> AdmitUseAsync(string name, string project, (long MemoryMiB, int Vcpus) to, (long MemoryMiB, int Vcpus)? now, QuotaRequest request, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        // The limits of this host's copy of the cluster's projects; a project without memory or vCPU limits is recorded, never refused.
        ProjectLimits? limits = _db.LoadProjects().FirstOrDefault(p => p.Name == project)?.Limits;
        bool limited = limits is { MemoryMiB: not null } or { Vcpus: not null };
        try
        {
            VmUse? already = now is { } n ? new VmUse(HostName, project, n.MemoryMiB, n.Vcpus) : null;
            HospesError? refused = await j.Use.AdmitAsync(j.Config.Name, name, new VmUse(HostName, project, to.MemoryMiB, to.Vcpus), already, limited ? limits : null, request, ct).ConfigureAwait(false);
            if (refused is not null)
            {
                LogUseRefused(name, project, refused.Message);
            }

            return refused;
        }
        catch (ClusterStoreException e)
        {
            if (!limited)
            {
                // Nothing to refuse on: the next round records it once the store answers.
                j.Use.Wake();
                LogUseUnknown(name, e.Message);
                return null;
            }

            return HospesError.Unavailable($"project {project}'s memory and vCPU limits count every host of cluster '{j.Config.Name}', so the cluster's store must record what {name} uses first, and {e.Message}");
        }
    }

    public async Task<IReadOnlyDictionary<string, ClusterProjectUse>?> ProjectUseAsync(CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        try
        {
            return ProjectUse.Count(await j.Store.ListAsync(j.Keys.VmUses, ct).ConfigureAwait(false));
        }
        catch (ClusterStoreException e)
        {
            LogProjectUsageUnknown(e.Message);
            return null;
        }
    }

    /// <summary>This host's VMs as a join offers them: each with its project and what it counts while running (0 when stopped).</summary>
    private IReadOnlyList<VmUse> JoiningUse() => [.. JoiningVms().Select(v => v.Use)];

    /// <summary>This host's VMs as a join (or init) claims them: each one's claim, and what it counts while running (0 when stopped).</summary>
    private IReadOnlyList<JoiningVm> JoiningVms()
    {
        DateTimeOffset now = _time.GetUtcNow();
        var running = _resources.Use().Running.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return [.. _resources.Vms().Select(v => new JoiningVm(
            v.Name,
            new VmOwner(HostName, v.Uuid, now, v.Project),
            running.TryGetValue(v.Name, out RunningUse? r) ? new VmUse(HostName, v.Project, r.MemoryMiB, r.Vcpus) : new VmUse(HostName, v.Project, 0, 0)))];
    }

    /// <summary>What this host's VMs count over the cluster changed in a way its own figures do not show (a claim moved here, an HA order given up).</summary>
    public void UseMoved() => _joined?.Use.Wake();

    /// <summary>
    /// `cluster join`, on the member asked: the joining host's VMs (<see cref="ClusterJoinOffer.Use"/>) against the
    /// cluster's projects: a join that would take one over its limits is refused before anything changes.
    /// </summary>
    private async Task<HospesError?> LimitsRefusalAsync(Joined j, ClusterJoinOffer offer, CancellationToken ct)
    {
        if (offer.Use.Count == 0)
        {
            return null;
        }

        IReadOnlyList<StoreEntry> claims = await j.Store.ListAsync(j.Keys.Vms, ct).ConfigureAwait(false);
        IReadOnlyList<StoreEntry> uses = await j.Store.ListAsync(j.Keys.VmUses, ct).ConfigureAwait(false);
        HospesError? refused = ProjectUse.JoinRefusal(j.Config.Name, offer.Name, offer.Use, _db.LoadProjects(),
            ProjectClaims.Count(claims.Select(c => Read<VmOwner>(c.Value))), ProjectUse.Count(uses));
        if (refused is not null)
        {
            LogJoinOverLimits(offer.Name, refused.Message);
        }

        return refused;
    }

    [LoggerMessage(EventId = LogEvents.ClusterUseRefused, Level = LogLevel.Information, Message = "VM {Vm} not admitted: project {Project}'s memory or vCPU limit over the cluster: {Why}")]
    private partial void LogUseRefused(string vm, string project, string why);

    [LoggerMessage(EventId = LogEvents.ClusterUseUnknown, Level = LogLevel.Warning, Message = "VM {Vm}'s usage could not be recorded in the cluster's store (its project has no memory or vCPU limit; recorded later): {Why}")]
    private partial void LogUseUnknown(string vm, string why);

    [LoggerMessage(EventId = LogEvents.ClusterJoinOverLimits, Level = LogLevel.Information, Message = "host {Host} refused: its VMs would take projects over their cluster limits: {Why}")]
    private partial void LogJoinOverLimits(string host, string why);
}
