using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>Projects: what owns VMs, templates, disks and networks, with limits (issue 14).</summary>
public sealed class ProjectsApi
{
    private readonly HospesConnection _c;

    internal ProjectsApi(HospesConnection connection) => _c = connection;

    public Task<IReadOnlyList<ProjectInfo>> ListAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<ProjectInfo>>(HttpMethod.Get, Routes.Projects, null, ct);

    public Task<ProjectInfo> CreateAsync(ProjectCreateRequest request, CancellationToken ct) => _c.SendAsync<ProjectInfo>(HttpMethod.Post, Routes.Projects, request, ct);

    public Task<ProjectInfo> GetAsync(string name, CancellationToken ct) => _c.SendAsync<ProjectInfo>(HttpMethod.Get, Routes.Path(Routes.Project, name), null, ct);

    public Task<ProjectInfo> SetAsync(string name, ProjectSetRequest request, CancellationToken ct) => _c.SendAsync<ProjectInfo>(HttpMethod.Put, Routes.Path(Routes.Project, name), request, ct);

    public Task<ProjectInfo> DeleteAsync(string name, CancellationToken ct) => _c.SendAsync<ProjectInfo>(HttpMethod.Delete, Routes.Path(Routes.Project, name), null, ct);
}
