using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Json;
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
        app.MapGet("/v1/disks", (HospesHost h) => Results.Json(h.ListVolumes()));
        app.MapPost("/v1/disks", async (DiskCreateRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateDiskAsync(request, ct), StatusCodes.Status201Created));
        app.MapGet("/v1/disk", (string name, HospesHost h) => ApiResults.From(h.GetVolume(name)));
        app.MapDelete("/v1/disk", async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.DeleteDiskAsync(name, ct)));
        app.MapPost("/v1/disk/resize", async (string name, DiskResizeRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.ResizeDiskAsync(name, request, ct)));
        app.MapGet("/v1/disks/check", async (string? name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.CheckStoreAsync(name, ct)));
        app.MapDelete("/v1/images/{name}", async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.DeleteImageAsync(name, ct)));
        app.MapPost("/v1/images/import", async (ImageImportRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.ImportImageAsync(request, ct), StatusCodes.Status201Created));

        RouteGroupBuilder templates = app.MapGroup("/v1/templates");
        templates.MapGet("/", (HospesHost h) => Results.Json(h.ListTemplates()));
        templates.MapPost("/", async (TemplateCreateRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateTemplateAsync(request, ct), StatusCodes.Status201Created));
        templates.MapGet("/{name}", (string name, HospesHost h) => ApiResults.From(h.GetTemplate(name)));
        templates.MapDelete("/{name}", async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.DeleteTemplateAsync(name, ct)));
        templates.MapPost("/{name}/clone", CloneAsync);

        RouteGroupBuilder snapshots = app.MapGroup("/v1/vms/{vm}/snapshots");
        snapshots.MapGet("/", async (string vm, HospesHost h, CancellationToken ct) => ApiResults.From(await h.ListSnapshotsAsync(vm, ct)));
        snapshots.MapPost("/", async (string vm, SnapshotRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.CreateSnapshotAsync(vm, request, ct), StatusCodes.Status201Created));
        snapshots.MapPost("/{snapshot}/revert", async (string vm, string snapshot, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.RevertSnapshotAsync(vm, snapshot, ct)));
        snapshots.MapDelete("/{snapshot}", async (string vm, string snapshot, HospesHost h, CancellationToken ct) =>
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
