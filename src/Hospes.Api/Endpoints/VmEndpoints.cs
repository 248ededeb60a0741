using Hospes.Contracts;
using Hospes.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

internal static class VmEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder vms = app.MapGroup("/v1/vms");
        vms.MapGet("/", (HospesHost h) => Results.Json(h.ListVms()));
        vms.MapPost("/", async (CreateVmRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateVmAsync(request, ct), StatusCodes.Status201Created));
        vms.MapGet("/{name}", (string name, HospesHost h) => ApiResults.From(h.GetVm(name)));
        vms.MapDelete("/{name}", async (string name, bool? force, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.DeleteVmAsync(name, force ?? false, ct)));
        vms.MapPost("/{name}/start", async (string name, HospesHost h) => ApiResults.From(await h.StartVmAsync(name)));
        vms.MapPost("/{name}/pause", async (string name, HospesHost h) => ApiResults.From(await h.PauseVmAsync(name)));
        vms.MapPost("/{name}/unpause", async (string name, HospesHost h) => ApiResults.From(await h.UnpauseVmAsync(name)));
        vms.MapPost("/{name}/destroy", async (string name, HospesHost h) => ApiResults.From(await h.DestroyVmAsync(name)));
        vms.MapPost("/{name}/shutdown", async (string name, ShutdownRequest? request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.ShutdownVmAsync(name, request ?? new ShutdownRequest(), ct)));
        vms.MapPost("/{name}/reboot", async (string name, ShutdownRequest? request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.RebootVmAsync(name, request ?? new ShutdownRequest(), ct)));
        vms.MapPost("/{name}/save", async (string name, SaveRequest request, HospesHost h) => ApiResults.From(await h.SaveVmAsync(name, request)));
        app.MapPost("/v1/restore", async (RestoreRequest request, HospesHost h, CancellationToken ct) => ApiResults.From(await h.RestoreVmAsync(request, ct)));
    }
}
