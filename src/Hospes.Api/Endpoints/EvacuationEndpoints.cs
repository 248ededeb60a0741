using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>`hospes host evacuate|restore HOST` (NDJSON progress), and a member's request that this host do it to itself.</summary>
internal static class EvacuationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.ClusterHostEvacuate, (string name, HostEvacuateRequest? request, EvacuationApi evacuations, HttpContext http) =>
            EvacuateAsync(name, request ?? new HostEvacuateRequest(), Callers.Of(http).Display, evacuations, http));
        app.MapPost(Routes.ClusterHostRestore, async (string name, EvacuationApi evacuations, HttpContext http, CancellationToken ct) =>
            ApiResults.From(await evacuations.RestoreAsync(name, Callers.Of(http).Display, ct)));

        RouteGroupBuilder peer = PeerEndpoints.PeerGroup(app);
        peer.MapPost(Routes.PeerClusterEvacuate, async (PeerHostEvacuateRequest request, PeersApi peers, EvacuationApi evacuations, ClusterForwarding cluster, HttpContext http) =>
        {
            if (await cluster.NotMemberAsync(http.Connection.ClientCertificate, "evacuate itself", http.RequestAborted) is { } refused)
            {
                await ApiResults.Error(refused).ExecuteAsync(http);
                return;
            }

            await EvacuateAsync(peers.Hello().Name, new HostEvacuateRequest { Mode = request.Mode }, $"{request.By} (via {PeerName(http)})", evacuations, http);
        });
        peer.MapPost(Routes.PeerClusterRestore, async (PeerHostEvacuateRequest request, PeersApi peers, EvacuationApi evacuations, ClusterForwarding cluster, HttpContext http, CancellationToken ct) =>
            await cluster.NotMemberAsync(http.Connection.ClientCertificate, "end its evacuation", ct) is { } refused
                ? ApiResults.Error(refused)
                : ApiResults.From(await evacuations.RestoreAsync(peers.Hello().Name, $"{request.By} (via {PeerName(http)})", ct)));
    }

    /// <summary>Streams the evacuation as JSON lines, "done" (with the report) last; a request refused outright is a plain error.</summary>
    private static async Task EvacuateAsync(string host, HostEvacuateRequest request, string by, EvacuationApi evacuations, HttpContext http)
    {
        if (await evacuations.CheckAsync(host, request.Mode, http.RequestAborted) is { } refused)
        {
            await ApiResults.Error(refused).ExecuteAsync(http);
            return;
        }

        var stream = new NdjsonStream(http);
        var done = await evacuations.EvacuateAsync(host, request, by, stream.WriteAsync);
        await stream.WriteAsync(done.IsOk
            ? new EvacuationEvent { Event = "done", Report = done.Value, Message = $"host {host} evacuated" }
            : new EvacuationEvent { Event = "error", Message = done.Error.Message });
    }

    private static string PeerName(HttpContext http) => http.Items[PeerEndpoints.PeerItem] is HostPeerInfo p ? p.Name : "an unknown host";
}
