using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Vms;

namespace Hospes.Host.Edge;

/// <summary>`hospes project ...` as the API shows it: projects with their limits, usage and what they hold.</summary>
public sealed class ProjectsApi
{
    private readonly ProjectService _projects;
    private readonly AccessWrites _writes;

    internal ProjectsApi(ProjectService projects, AccessWrites writes)
    {
        _projects = projects;
        _writes = writes;
    }

    /// <summary>Every project <paramref name="visible"/> lets through (by name), or all; in a cluster with its VMs counted on every host.</summary>
    public async Task<IReadOnlyList<ProjectInfo>> ListAsync(Func<string, bool>? visible, CancellationToken ct) =>
        [.. (await _projects.ListAsync(ct).ConfigureAwait(false)).Where(p => visible?.Invoke(p.Project.Name) ?? true).Select(Create)];

    /// <summary>One project; in a cluster with its VMs counted on every host.</summary>
    public async Task<Result<ProjectInfo>> GetAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _projects.GetAsync(name, ct).ConfigureAwait(false), Create);

    /// <summary>Creates a project (an access write: in a cluster, the cluster's); the answer, in a cluster, with its usage counted on every host.</summary>
    public async Task<Result<ProjectInfo>> CreateAsync(ProjectCreateRequest request, CancellationToken ct)
    {
        if (request.Name is null)
        {
            return HospesError.Invalid("cannot create a project: the request's name is null; send {\"name\": \"lab1\"}");
        }

        return await AnswerAsync(await _writes.RunAsync(() => _projects.Create(request.Name, Limits(request.Limits, ProjectLimits.None)), ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    /// <summary>Changes a project's limits; the answer, in a cluster, with its usage counted on every host (what the new limits hold).</summary>
    public async Task<Result<ProjectInfo>> SetAsync(string name, ProjectSetRequest request, CancellationToken ct)
    {
        string[] unknown = [.. (request.Unset ?? []).Where(u => u is not ("vms" or "memory" or "vcpus"))];
        if (unknown.Length > 0)
        {
            return HospesError.Invalid($"project {name}: cannot unset {string.Join(", ", unknown)}; the limits are vms, memory and vcpus");
        }

        Result<ProjectView> set = await _writes.RunAsync(() => _projects.Set(name, old =>
        {
            ProjectLimits given = Limits(request.Limits, old);
            IReadOnlyList<string> unset = request.Unset ?? [];
            return new ProjectLimits(
                unset.Contains("vms") ? null : given.Vms,
                unset.Contains("memory") ? null : given.MemoryMiB,
                unset.Contains("vcpus") ? null : given.Vcpus);
        }), ct).ConfigureAwait(false);
        return await AnswerAsync(set, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes an empty project. In a cluster, a project with VMs on other hosts is refused too (they would be left in
    /// a project no host has), naming where they are; the answer shows the cluster's usage.
    /// </summary>
    public async Task<Result<ProjectInfo>> DeleteAsync(string name, CancellationToken ct)
    {
        Result<ProjectView> seen = await _projects.GetAsync(name, ct).ConfigureAwait(false);
        if (seen.IsOk && seen.Value.Objects.Count == 0 && seen.Value.Usage.VmsByHost is { Count: > 0 } elsewhere)
        {
            string where = string.Join(", ", elsewhere.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key} {h.Value}"));
            return HospesError.State($"cannot delete project {name}: {seen.Value.Usage.Vms} VM(s) of it are on other hosts of the cluster ({where}); delete them there first");
        }

        return await AnswerAsync(await _writes.RunAsync(() => _projects.Delete(name), ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    /// <summary>A create's, set's or delete's project as answered: in a cluster, with its usage counted on every host.</summary>
    private async Task<Result<ProjectInfo>> AnswerAsync(Result<ProjectView> done, CancellationToken ct) =>
        done.IsOk ? Create(await _projects.ClusteredAsync(done.Value, ct).ConfigureAwait(false)) : done.Error;

    /// <summary>The limits given, the others as in <paramref name="old"/>.</summary>
    private static ProjectLimits Limits(ProjectLimitsInfo? given, ProjectLimits old) =>
        given is null ? old : new ProjectLimits(given.Vms ?? old.Vms, given.MemoryMib ?? old.MemoryMiB, given.Vcpus ?? old.Vcpus);

    private static ProjectInfo Create(ProjectView v) => new()
    {
        Name = v.Project.Name,
        Limits = new ProjectLimitsInfo { Vms = v.Project.Limits.Vms, MemoryMib = v.Project.Limits.MemoryMiB, Vcpus = v.Project.Limits.Vcpus },
        Usage = new ProjectUsageInfo
        {
            Vms = v.Usage.Vms,
            MemoryMib = v.Usage.MemoryMiB,
            Vcpus = v.Usage.Vcpus,
            VmsByHost = v.Usage.VmsByHost,
            MemoryByHost = v.Usage.MemoryByHost,
            VcpusByHost = v.Usage.VcpusByHost,
        },
        Objects = v.Objects,
        CreatedAt = v.Project.CreatedAt,
    };
}
