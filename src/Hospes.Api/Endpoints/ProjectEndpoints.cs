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
        app.MapGet(Routes.Projects, (ProjectsApi projects, AccessGate access, HttpContext http) =>
        {
            Func<string, string, bool> visible = Access.Projects.Filter(access, http);
            return Results.Json(projects.List(name => visible(name, name)));
        });
        app.MapPost(Routes.Projects, (ProjectCreateRequest request, ProjectsApi projects) =>
            ApiResults.From(projects.Create(request), StatusCodes.Status201Created));
        app.MapGet(Routes.Project, (string name, ProjectsApi projects) => ApiResults.From(projects.Get(name)));
        app.MapPut(Routes.Project, (string name, ProjectSetRequest request, ProjectsApi projects) => ApiResults.From(projects.Set(name, request)));
        app.MapDelete(Routes.Project, (string name, ProjectsApi projects) => ApiResults.From(projects.Delete(name)));
    }
}
