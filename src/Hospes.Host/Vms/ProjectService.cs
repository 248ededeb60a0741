using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Storage;

namespace Hospes.Host.Vms;

/// <summary>
/// `hospes project create|list|show|set|delete`: projects own VMs, templates, standalone disks and networks, and limit
/// what their VMs may use (<see cref="Machine.ProjectQuotas"/> enforces it). The default project is always there.
/// </summary>
internal sealed class ProjectService(StateDb db, VmManager vms, VolumeStore store, NetworkService networks, TimeProvider time)
{
    /// <summary>At most this many objects are named in a refusal to delete.</summary>
    private const int NamedObjects = 10;

    public Result<ProjectView> Create(string name, ProjectLimits limits)
    {
        if ((AccessNames.Project(name) ?? LimitsProblem(name, limits)) is { } invalid)
        {
            return invalid;
        }

        return db.TryInsertProject(new ProjectRecord(name, limits, time.GetUtcNow()))
            ? Get(name)
            : HospesError.Conflict($"a project named {name} already exists; `hospes project show {name}` shows it, `hospes project set {name} --limit ...` changes its limits");
    }

    public IReadOnlyList<ProjectView> List() => [.. db.LoadProjects().Select(View)];

    public Result<ProjectView> Get(string name) => ResultMapping(vms.Quotas.Find(name));

    /// <summary><see cref="List"/>, with each project's VMs, memory and vCPUs counted over the whole cluster in one (this host's own when the store cannot say).</summary>
    public async Task<IReadOnlyList<ProjectView>> ListAsync(CancellationToken ct)
    {
        IReadOnlyDictionary<string, Cluster.ClusterProjectVms>? cluster = await vms.Claims.ProjectVmsAsync(ct).ConfigureAwait(false);
        IReadOnlyDictionary<string, Cluster.ClusterProjectUse>? running = await vms.Claims.ProjectUseAsync(ct).ConfigureAwait(false);
        return [.. List().Select(v => Clustered(v, cluster, running))];
    }

    /// <summary><see cref="Get"/>, with the project's VMs, memory and vCPUs counted over the whole cluster in one.</summary>
    public async Task<Result<ProjectView>> GetAsync(string name, CancellationToken ct)
    {
        Result<ProjectView> found = Get(name);
        return found.IsOk
            ? Clustered(found.Value, await vms.Claims.ProjectVmsAsync(ct).ConfigureAwait(false), await vms.Claims.ProjectUseAsync(ct).ConfigureAwait(false))
            : found;
    }

    /// <summary><paramref name="v"/> (what a create, set or delete answers) with the cluster's usage, as <see cref="GetAsync"/> shows it.</summary>
    public async Task<ProjectView> ClusteredAsync(ProjectView v, CancellationToken ct) =>
        Clustered(v, await vms.Claims.ProjectVmsAsync(ct).ConfigureAwait(false), await vms.Claims.ProjectUseAsync(ct).ConfigureAwait(false));

    /// <summary>The cluster's count of the project's VMs (its claims) and running VMs' memory and vCPUs (their `vmuse/` keys) instead of this host's.</summary>
    private static ProjectView Clustered(ProjectView v, IReadOnlyDictionary<string, Cluster.ClusterProjectVms>? cluster, IReadOnlyDictionary<string, Cluster.ClusterProjectUse>? running)
    {
        ProjectUsage usage = v.Usage;
        if (cluster is not null)
        {
            Cluster.ClusterProjectVms counted = cluster.GetValueOrDefault(v.Project.Name, Cluster.ClusterProjectVms.None);
            usage = usage with { Vms = counted.Total, VmsByHost = counted.ByHost };
        }

        if (running is not null)
        {
            Cluster.ClusterProjectUse used = running.GetValueOrDefault(v.Project.Name, Cluster.ClusterProjectUse.None);
            usage = usage with { MemoryMiB = used.MemoryMiB, Vcpus = used.Vcpus, MemoryByHost = used.MemoryByHost, VcpusByHost = used.VcpusByHost };
        }

        return v with { Usage = usage };
    }

    private Result<ProjectView> ResultMapping(Result<ProjectRecord> found) => found.IsOk ? View(found.Value) : found.Error;

    /// <summary>Replaces the limits <paramref name="change"/> gives (a lower limit than the usage is allowed: it refuses growth from then on).</summary>
    public Result<ProjectView> Set(string name, Func<ProjectLimits, ProjectLimits> change)
    {
        Result<ProjectRecord> found = vms.Quotas.Find(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        ProjectLimits limits = change(found.Value.Limits);
        if (LimitsProblem(name, limits) is { } invalid)
        {
            return invalid;
        }

        db.SetProjectLimits(name, limits);
        return Get(name);
    }

    /// <summary>Deletes an empty project and the ACL entries on it and below; refused while it holds anything, naming it.</summary>
    public Result<ProjectView> Delete(string name)
    {
        if (name == StateDb.DefaultProject)
        {
            return HospesError.Invalid($"the project {StateDb.DefaultProject} cannot be deleted: it is where everything goes that names no project");
        }

        Result<ProjectView> found = Get(name);
        if (!found.IsOk)
        {
            return found.Error;
        }

        IReadOnlyList<string> objects = found.Value.Objects;
        if (objects.Count > 0)
        {
            string named = string.Join(", ", objects.Take(NamedObjects)) + (objects.Count > NamedObjects ? $" and {objects.Count - NamedObjects} more" : "");
            return HospesError.State($"cannot delete project {name}: it holds {objects.Count} object(s): {named}; delete them first (`hospes --project {name} list` shows its VMs)");
        }

        return db.DeleteProject(name) ? found.Value : HospesError.NotFound($"no project {name}; `hospes project list` shows them");
    }

    private ProjectView View(ProjectRecord p)
    {
        var objects = new List<string>();
        objects.AddRange(vms.All.Where(a => a.Record.Project == p.Name).Select(a => $"vm {a.Record.Name}"));
        objects.AddRange(store.Templates().Where(t => t.Project == p.Name).Select(t => $"template {t.Name}"));
        objects.AddRange(store.All().Where(v => v.Kind == VolumeKind.Disk && v.Project == p.Name).Select(v => $"disk {v.Name}"));
        objects.AddRange(networks.All.Where(n => n.Project == p.Name).Select(n => $"network {n.Name}"));
        return new ProjectView(p, vms.Quotas.Usage(p.Name), objects);
    }

    private static HospesError? LimitsProblem(string name, ProjectLimits limits)
    {
        var problems = new List<string>();
        if (limits.Vms is < 0)
        {
            problems.Add($"vms={limits.Vms}");
        }

        if (limits.MemoryMiB is < 0)
        {
            problems.Add($"memory={limits.MemoryMiB}M");
        }

        if (limits.Vcpus is < 0)
        {
            problems.Add($"vcpus={limits.Vcpus}");
        }

        return problems.Count == 0
            ? null
            : HospesError.Invalid($"project {name}: a limit cannot be negative ({string.Join(", ", problems)}); give 0 or more, e.g. --limit vms=40");
    }
}

/// <summary>A project with what it uses now and what it holds ("vm web", "disk data", ...).</summary>
internal sealed record ProjectView(ProjectRecord Project, ProjectUsage Usage, IReadOnlyList<string> Objects);
