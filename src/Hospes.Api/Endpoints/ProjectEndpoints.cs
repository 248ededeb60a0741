using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>`hospes project create|list|show|set|delete`.</summary>
internal static class ProjectEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Projects, async (ProjectsApi projects, AccessGate access, HttpContext http, CancellationToken ct) =>
        {
            Func<string, string, bool> visible = Access.Projects.Filter(access, http);
            return Results.Json(await projects.ListAsync(name => visible(name, name), ct));
        });
        app.MapPost(Routes.Projects, async (ProjectCreateRequest request, ProjectsApi projects, CancellationToken ct) =>
            ApiResults.From(await projects.CreateAsync(request, ct), StatusCodes.Status201Created));
        app.MapGet(Routes.Project, async (string name, ProjectsApi projects, CancellationToken ct) => ApiResults.From(await projects.GetAsync(name, ct)));
        app.MapPut(Routes.Project, async (string name, ProjectSetRequest request, ProjectsApi projects, CancellationToken ct) =>
            ApiResults.From(await projects.SetAsync(name, request, ct)));
        app.MapDelete(Routes.Project, async (string name, ProjectsApi projects, CancellationToken ct) =>
            ApiResults.From(await projects.DeleteAsync(name, ct)));
    }
}
