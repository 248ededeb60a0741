using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>`hospes migrate` (local), and the peer API a source host drives a migration to this host through.</summary>
internal static class MigrationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.VmMigrate, MigrateAsync);
        app.MapDelete(Routes.VmMigration, (string vm, MigrationsApi m) => ApiResults.From(m.Cancel(vm)));
    }

    /// <summary>Destination side: only trusted hosts reach these (the peer group checks their certificate).</summary>
    public static void MapPeer(RouteGroupBuilder peer)
    {
        peer.MapPost(Routes.PeerMigrations, async (MigrationOffer offer, MigrationsApi m, HttpContext http, CancellationToken ct) =>
            ApiResults.From(await m.PrepareIncomingAsync(offer, PeerName(http), LocalAddress(http), PeerAddress(http), ct)));
        peer.MapPost(Routes.PeerMigrationFinish, async (string id, MigrationFinish request, MigrationsApi m) =>
            ApiResults.From(await m.FinishIncomingAsync(id, request)));
        peer.MapDelete(Routes.PeerMigration, async (string id, MigrationsApi m, HttpContext http) =>
            ApiResults.From(await m.AbortIncomingAsync(id, PeerName(http))));
    }

    /// <summary>Streams progress as JSON lines, "done" (with the summary) or "failed" last; a request refused outright is a plain error.</summary>
    private static async Task MigrateAsync(string vm, MigrateRequest request, MigrationsApi m, HttpContext http)
    {
        var check = m.Check(vm, request);
        if (!check.IsOk)
        {
            await ApiResults.Error(check.Error).ExecuteAsync(http);
            return;
        }

        var stream = new NdjsonStream(http);
        var done = await m.MigrateAsync(vm, request, stream.WriteAsync);
        await stream.WriteAsync(done.IsOk
            ? new MigrationEvent { Event = "done", Summary = done.Value, ElapsedMs = done.Value.TotalMs, TransferredBytes = done.Value.TransferredBytes }
            : new MigrationEvent { Event = "failed", Message = done.Error.Message, Status = WireSpec.ToWire(done.Error.Code) });
    }

    private static string PeerName(HttpContext http) => http.Items[PeerEndpoints.PeerItem] is HostPeerInfo p ? p.Name : "an unknown host";

    /// <summary>The address the peer calls from: its QEMU's stream comes from there too, and nothing else may reach the ports.</summary>
    private static string PeerAddress(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "127.0.0.1";

    /// <summary>The address this host was reached at: the migration stream is to come there too.</summary>
    private static string LocalAddress(HttpContext http) =>
        http.Connection.LocalIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "127.0.0.1";
}
