using Hospes.Contracts;
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
        app.MapPost(Routes.ConfigCheck, (ConfigRequest request, VmsApi vms) => Results.Json(vms.Check(request)));
    }
}
