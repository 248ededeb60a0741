using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>A VM's vifs: network-attach, network-detach (network-list is the vifs' GET in <see cref="NetworkEndpoints"/>).</summary>
internal static class VifEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.VmVifs, async (string vm, VifAttachRequest request, VifsApi vifs, HttpContext http, CancellationToken ct) =>
            ApiResults.From(await vifs.AttachAsync(vm, request, Callers.Of(http), ct)));
        app.MapDelete(Routes.VmVif, async (string vm, string vif, VifsApi vifs, CancellationToken ct) => ApiResults.From(await vifs.DetachAsync(vm, vif, ct)));
    }
}
