using Hospes.Contracts;
using Hospes.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

internal static class HostEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/host", async (HospesHost h) => Results.Json(await h.HostInfoAsync()));
        app.MapPost("/v1/config/check", (ConfigRequest request) => Results.Json(HospesHost.CheckConfig(request)));
        app.MapGet("/v1/images", (HospesHost h) => Results.Json(h.ListImages()));
        app.MapGet("/v1/images/{name}", (string name, HospesHost h) => ApiResults.From(h.GetImage(name)));
        app.MapPost("/v1/images/{kind}/build", async (string kind, bool? force, ImageBuildRequest? request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.BuildImageAsync((request ?? new ImageBuildRequest { Kind = kind }) with { Kind = kind, Force = (request?.Force ?? false) || (force ?? false) }, ct)));
    }
}
