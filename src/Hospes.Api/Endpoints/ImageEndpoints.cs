using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Images: list, show, build (import and delete are the store's, in <see cref="StoreEndpoints"/>).</summary>
internal static class ImageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Images, (ImagesApi images, AccessGate access, HttpContext http) => Results.Json(images.List(Projects.Filter(access, http))));
        app.MapGet(Routes.Image, (string name, ImagesApi images) => ApiResults.From(images.Get(name)));
        app.MapPost(Routes.ImageBuild, async (string kind, bool? force, ImageBuildRequest? request, ImagesApi images, CancellationToken ct) =>
            ApiResults.From(await images.BuildAsync((request ?? new ImageBuildRequest { Kind = kind }) with { Kind = kind, Force = (request?.Force ?? false) || (force ?? false) }, ct)));
    }
}
