using Hospes.Contracts;
using Hospes.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>Disks, imports, templates, clones and snapshots. Volume names may hold '/' (VM/vdev), so they travel as ?name=.</summary>
internal static class StoreEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Disks, (HospesHost h) => Results.Json(h.ListVolumes()));
        app.MapPost(Routes.Disks, async (DiskCreateRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateDiskAsync(request, ct), StatusCodes.Status201Created));
        app.MapGet(Routes.Disk, (string name, HospesHost h) => ApiResults.From(h.GetVolume(name)));
        app.MapDelete(Routes.Disk, async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.DeleteDiskAsync(name, ct)));
        app.MapPost(Routes.DiskResize, async (string name, DiskResizeRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.ResizeDiskAsync(name, request, ct)));
        app.MapGet(Routes.DisksCheck, async (string? name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.CheckStoreAsync(name, ct)));
        app.MapDelete(Routes.Image, async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.DeleteImageAsync(name, ct)));
        app.MapPost(Routes.ImageImport, async (ImageImportRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.ImportImageAsync(request, ct), StatusCodes.Status201Created));

        app.MapGet(Routes.Templates, (HospesHost h) => Results.Json(h.ListTemplates()));
        app.MapPost(Routes.Templates, async (TemplateCreateRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateTemplateAsync(request, ct), StatusCodes.Status201Created));
        app.MapGet(Routes.Template, (string name, HospesHost h) => ApiResults.From(h.GetTemplate(name)));
        app.MapDelete(Routes.Template, async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.DeleteTemplateAsync(name, ct)));
        app.MapPost(Routes.TemplateClone, CloneAsync);

        app.MapGet(Routes.VmSnapshots, async (string vm, HospesHost h, CancellationToken ct) => ApiResults.From(await h.ListSnapshotsAsync(vm, ct)));
        app.MapPost(Routes.VmSnapshots, async (string vm, SnapshotRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateSnapshotAsync(vm, request, ct), StatusCodes.Status201Created));
        app.MapPost(Routes.VmSnapshotRevert, async (string vm, string snapshot, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.RevertSnapshotAsync(vm, snapshot, ct)));
        app.MapDelete(Routes.VmSnapshot, async (string vm, string snapshot, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.DeleteSnapshotAsync(vm, snapshot, ct)));
    }

    /// <summary>
    /// Streams the clone run as JSON lines (one CloneEvent each, "done" last) so the CLI can draw progress.
    /// A request that cannot start at all is refused with a normal error instead. The run goes on if the
    /// client goes away: half-made clones would only be cleaned up later.
    /// </summary>
    private static async Task CloneAsync(string name, CloneRequest request, HospesHost h, HttpContext http)
    {
        var plan = h.PlanClones(name, request);
        if (!plan.IsOk)
        {
            await ApiResults.Error(plan.Error).ExecuteAsync(http);
            return;
        }

        var stream = new NdjsonStream(http);
        Task Emit(CloneEvent e) => stream.WriteAsync(e);

        CloneEvent done = await h.CloneAsync(name, request, plan.Value, Emit, CancellationToken.None);
        await Emit(done);
    }
}
