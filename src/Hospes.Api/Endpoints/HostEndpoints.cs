using Hospes.Contracts;
using Hospes.Host;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

internal static class HostEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Host, async (HostApi host) => Results.Json(await host.InfoAsync()));
        app.MapPost(Routes.ConfigCheck, (ConfigRequest request) => Results.Json(VmsApi.Check(request)));
        app.MapGet(Routes.Images, (HospesHost h) => Results.Json(h.ListImages()));
        app.MapGet(Routes.Image, (string name, HospesHost h) => ApiResults.From(h.GetImage(name)));
        app.MapPost(Routes.ImageBuild, async (string kind, bool? force, ImageBuildRequest? request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.BuildImageAsync((request ?? new ImageBuildRequest { Kind = kind }) with { Kind = kind, Force = (request?.Force ?? false) || (force ?? false) }, ct)));
    }
}
