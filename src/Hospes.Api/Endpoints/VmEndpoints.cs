using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

internal static class VmEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Vms, (string? project, VmsApi vms, AccessGate access, HttpContext http) =>
            Results.Json(vms.List(project, Projects.Filter(access, http))));
        app.MapPost(Routes.Vms, async (CreateVmRequest request, string? project, HttpContext http, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.CreateAsync(request, Callers.Of(http), ct, Projects.OrDefault(project)), StatusCodes.Status201Created));
        app.MapGet(Routes.Vm, (string name, VmsApi vms) => ApiResults.From(vms.Get(name)));
        app.MapDelete(Routes.Vm, async (string name, bool? force, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.DeleteAsync(name, force ?? false, ct)));
        app.MapPost(Routes.VmStart, async (string name, VmsApi vms) => ApiResults.From(await vms.StartAsync(name)));
        app.MapPost(Routes.VmPause, async (string name, VmsApi vms) => ApiResults.From(await vms.PauseAsync(name)));
        app.MapPost(Routes.VmUnpause, async (string name, VmsApi vms) => ApiResults.From(await vms.UnpauseAsync(name)));
        app.MapPost(Routes.VmDestroy, async (string name, VmsApi vms) => ApiResults.From(await vms.DestroyAsync(name)));
        app.MapPost(Routes.VmShutdown, async (string name, ShutdownRequest? request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.ShutdownAsync(name, request ?? new ShutdownRequest(), ct)));
        app.MapPost(Routes.VmReboot, async (string name, ShutdownRequest? request, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.RebootAsync(name, request ?? new ShutdownRequest(), ct)));
        app.MapPost(Routes.VmSave, async (string name, SaveRequest request, VmsApi vms) => ApiResults.From(await vms.SaveAsync(name, request)));
        app.MapPost(Routes.Restore, async (RestoreRequest request, string? project, VmsApi vms, CancellationToken ct) =>
            ApiResults.From(await vms.RestoreAsync(request, ct, Projects.OrDefault(project))));
    }
}
