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
        // In a cluster: every host's VMs (ClusterForwarding.ListAsync), unless ?local=true or asked by another host.
        app.MapGet(Routes.Vms, async (string? project, bool? local, VmsApi vms, AccessGate access, ClusterForwarding cluster, HttpContext http) =>
        {
            IReadOnlyList<VmInfo> here = [.. vms.List(project, Projects.Filter(access, http)).Select(v => v with { Host = cluster.HostName })];
            return Results.Json(local == true || !cluster.InCluster || http.Request.Headers.ContainsKey(ClusterForwarding.EnvelopeHeader)
                ? here
                : await cluster.ListAsync(Callers.Of(http), here, project, access.MaySeeHost(Callers.Of(http)), http.RequestAborted));
        });
        app.MapPost(Routes.Vms, async (CreateVmRequest request, string? project, HttpContext http, VmsApi vms, ClusterForwarding cluster, CancellationToken ct) =>
            !cluster.InCluster && request.Host is { } host && host != cluster.HostName
                ? ApiResults.Error(Core.Errors.HospesError.State($"--host {host}: this host ({cluster.HostName}) is in no cluster, so it cannot place a VM on another host; leave --host out, or run the command on {host}"))
                : ApiResults.From(await vms.CreateAsync(request, Callers.Of(http), ct, Projects.OrDefault(project)), StatusCodes.Status201Created));
        app.MapGet(Routes.Vm, (string name, VmsApi vms, ClusterForwarding cluster) =>
        {
            Core.Errors.Result<VmInfo> vm = vms.Get(name);
            return vm.IsOk ? Results.Json(vm.Value with { Host = cluster.HostName }) : ApiResults.Error(vm.Error);
        });
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
