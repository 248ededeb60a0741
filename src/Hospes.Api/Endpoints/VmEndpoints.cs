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
        app.MapGet(Routes.Vms, (HospesHost h) => Results.Json(h.ListVms()));
        app.MapPost(Routes.Vms, async (CreateVmRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateVmAsync(request, ct), StatusCodes.Status201Created));
        app.MapGet(Routes.Vm, (string name, HospesHost h) => ApiResults.From(h.GetVm(name)));
        app.MapDelete(Routes.Vm, async (string name, bool? force, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.DeleteVmAsync(name, force ?? false, ct)));
        app.MapPost(Routes.VmStart, async (string name, HospesHost h) => ApiResults.From(await h.StartVmAsync(name)));
        app.MapPost(Routes.VmPause, async (string name, HospesHost h) => ApiResults.From(await h.PauseVmAsync(name)));
        app.MapPost(Routes.VmUnpause, async (string name, HospesHost h) => ApiResults.From(await h.UnpauseVmAsync(name)));
        app.MapPost(Routes.VmDestroy, async (string name, HospesHost h) => ApiResults.From(await h.DestroyVmAsync(name)));
        app.MapPost(Routes.VmShutdown, async (string name, ShutdownRequest? request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.ShutdownVmAsync(name, request ?? new ShutdownRequest(), ct)));
        app.MapPost(Routes.VmReboot, async (string name, ShutdownRequest? request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.RebootVmAsync(name, request ?? new ShutdownRequest(), ct)));
        app.MapPost(Routes.VmSave, async (string name, SaveRequest request, HospesHost h) => ApiResults.From(await h.SaveVmAsync(name, request)));
        app.MapPost(Routes.Restore, async (RestoreRequest request, HospesHost h, CancellationToken ct) => ApiResults.From(await h.RestoreVmAsync(request, ct)));
    }
}
