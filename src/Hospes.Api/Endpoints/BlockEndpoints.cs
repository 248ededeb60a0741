using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>A VM's disks: block-list, block-attach, block-detach.</summary>
internal static class BlockEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.VmBlocks, (string vm, BlocksApi blocks) => ApiResults.From(blocks.List(vm)));
        app.MapPost(Routes.VmBlocks, async (string vm, BlockAttachRequest request, BlocksApi blocks, HttpContext http, CancellationToken ct) =>
            ApiResults.From(await blocks.AttachAsync(vm, request, Callers.Of(http), ct)));
        app.MapDelete(Routes.VmBlock, async (string vm, string vdev, BlocksApi blocks, CancellationToken ct) => ApiResults.From(await blocks.DetachAsync(vm, vdev, ct)));
    }
}
