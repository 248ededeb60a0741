using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Disks, imports, templates, clones and snapshots. Volume names may hold '/' (VM/vdev), so they travel as ?name=.</summary>
internal static class StoreEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Disks, (string? project, StoreApi store, AccessGate access, HttpContext http) =>
            Results.Json(store.ListVolumes(project, Projects.Filter(access, http))));
        app.MapPost(Routes.Disks, async (DiskCreateRequest request, string? project, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.CreateDiskAsync(request, ct, Projects.OrDefault(project)), StatusCodes.Status201Created));
        app.MapGet(Routes.Disk, (string name, StoreApi store) => ApiResults.From(store.GetVolume(name)));
        app.MapDelete(Routes.Disk, async (string name, StoreApi store, CancellationToken ct) => ApiResults.From(await store.DeleteDiskAsync(name, ct)));
        app.MapPost(Routes.DiskResize, async (string name, DiskResizeRequest request, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.ResizeDiskAsync(name, request, ct)));
        app.MapGet(Routes.DisksCheck, async (string? name, StoreApi store, CancellationToken ct) => ApiResults.From(await store.CheckAsync(name, ct)));
        app.MapDelete(Routes.Image, async (string name, StoreApi store, CancellationToken ct) => ApiResults.From(await store.DeleteImageAsync(name, ct)));
        app.MapPost(Routes.ImageImport, async (ImageImportRequest request, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.ImportImageAsync(request, ct), StatusCodes.Status201Created));

        app.MapGet(Routes.Templates, (string? project, StoreApi store, AccessGate access, HttpContext http) =>
            Results.Json(store.ListTemplates(project, Projects.Filter(access, http))));
        app.MapPost(Routes.Templates, async (TemplateCreateRequest request, string? project, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.CreateTemplateAsync(request, ct, Projects.OrDefault(project)), StatusCodes.Status201Created));
        app.MapGet(Routes.Template, (string name, StoreApi store) => ApiResults.From(store.GetTemplate(name)));
        app.MapDelete(Routes.Template, async (string name, StoreApi store, CancellationToken ct) => ApiResults.From(await store.DeleteTemplateAsync(name, ct)));
        app.MapPost(Routes.TemplateClone, CloneAsync);

        app.MapGet(Routes.VmSnapshots, async (string vm, StoreApi store, CancellationToken ct) => ApiResults.From(await store.ListSnapshotsAsync(vm, ct)));
        app.MapPost(Routes.VmSnapshots, async (string vm, SnapshotRequest request, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.CreateSnapshotAsync(vm, request, ct), StatusCodes.Status201Created));
        app.MapPost(Routes.VmSnapshotRevert, async (string vm, string snapshot, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.RevertSnapshotAsync(vm, snapshot, ct)));
        app.MapDelete(Routes.VmSnapshot, async (string vm, string snapshot, StoreApi store, CancellationToken ct) =>
            ApiResults.From(await store.DeleteSnapshotAsync(vm, snapshot, ct)));
    }

    /// <summary>
    /// Streams the clone run as JSON lines (one CloneEvent each, "done" last) so the CLI can draw progress.
    /// A request that cannot start at all is refused with a normal error instead. The run goes on if the
    /// client goes away: half-made clones would only be cleaned up later.
    /// </summary>
    private static async Task CloneAsync(string name, CloneRequest request, string? project, StoreApi store, HttpContext http)
    {
        var plan = store.PlanClones(name, request, project);
        if (!plan.IsOk)
        {
            await ApiResults.Error(plan.Error).ExecuteAsync(http);
            return;
        }

        var stream = new NdjsonStream(http);
        Task Emit(CloneEvent e) => stream.WriteAsync(e);

        CloneEvent done = await store.CloneAsync(name, request, plan.Value, Emit, CancellationToken.None, project);
        await Emit(done);
    }
}
