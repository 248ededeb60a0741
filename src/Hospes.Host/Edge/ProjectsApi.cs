using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Vms;

namespace Hospes.Host.Edge;

/// <summary>`hospes project ...` as the API shows it: projects with their limits, usage and what they hold.</summary>
public sealed class ProjectsApi
{
    private readonly ProjectService _projects;

    internal ProjectsApi(ProjectService projects) => _projects = projects;

    /// <summary>Every project <paramref name="visible"/> lets through (by name), or all; in a cluster with its VMs counted on every host.</summary>
    public async Task<IReadOnlyList<ProjectInfo>> ListAsync(Func<string, bool>? visible, CancellationToken ct) =>
        [.. (await _projects.ListAsync(ct).ConfigureAwait(false)).Where(p => visible?.Invoke(p.Project.Name) ?? true).Select(Create)];

    /// <summary>One project; in a cluster with its VMs counted on every host.</summary>
    public async Task<Result<ProjectInfo>> GetAsync(string name, CancellationToken ct) =>
        ResultMap.Map(await _projects.GetAsync(name, ct).ConfigureAwait(false), Create);

    public Result<ProjectInfo> Create(ProjectCreateRequest request)
    {
        if (request.Name is null)
        {
            return HospesError.Invalid("cannot create a project: the request's name is null; send {\"name\": \"lab1\"}");
        }

        return ResultMap.Map(_projects.Create(request.Name, Limits(request.Limits, ProjectLimits.None)), Create);
    }

    public Result<ProjectInfo> Set(string name, ProjectSetRequest request)
    {
        string[] unknown = [.. (request.Unset ?? []).Where(u => u is not ("vms" or "memory" or "vcpus"))];
        if (unknown.Length > 0)
        {
            return HospesError.Invalid($"project {name}: cannot unset {string.Join(", ", unknown)}; the limits are vms, memory and vcpus");
        }

        return ResultMap.Map(_projects.Set(name, old =>
        {
            ProjectLimits given = Limits(request.Limits, old);
            IReadOnlyList<string> unset = request.Unset ?? [];
            return new ProjectLimits(
                unset.Contains("vms") ? null : given.Vms,
                unset.Contains("memory") ? null : given.MemoryMiB,
                unset.Contains("vcpus") ? null : given.Vcpus);
        }), Create);
    }

    public Result<ProjectInfo> Delete(string name) => ResultMap.Map(_projects.Delete(name), Create);

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
