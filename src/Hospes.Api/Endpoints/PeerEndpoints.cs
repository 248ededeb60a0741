using Hospes.Contracts;
using Hospes.Host;
using Hospes.Host.Peers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api.Endpoints;

/// <summary>
/// Hosts and trust. On the unix socket: tokens and the hosts this one trusts (`/v1/host/...`). For other hosts, on the
/// TCP listener: `/v1/peer/join` (authenticated by a token) and the `/v1/peer` group (authenticated by a trusted
/// client certificate).
/// </summary>
internal static class PeerEndpoints
{
    /// <summary>Where the peer group's filter leaves the caller's <see cref="PeerRecord"/>.</summary>
    public const string PeerItem = "hospes.peer";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.HostTokens, (HospesHost h) => ApiResults.From(h.CreatePeerToken(), StatusCodes.Status201Created));
        app.MapGet(Routes.HostPeers, (HospesHost h) => Results.Json(h.ListPeers()));
        app.MapPost(Routes.HostPeers, async (HostAddRequest request, HospesHost h, CancellationToken ct) =>
            ApiResults.From(await h.AddPeerAsync(request, ct), StatusCodes.Status201Created));
        app.MapDelete(Routes.HostPeer, (string name, HospesHost h) => ApiResults.From(h.RemovePeer(name)));
        app.MapPost(Routes.HostPeerCheck, async (string name, HospesHost h, CancellationToken ct) => ApiResults.From(await h.CheckPeerAsync(name, ct)));

        app.MapPost(Routes.PeerJoin, async (PeerJoinRequest request, HttpContext http, HospesHost h) =>
            ApiResults.From(h.JoinPeer(request, await http.Connection.GetClientCertificateAsync(http.RequestAborted), http.Connection.RemoteIpAddress)));
        PeerGroup(app).MapGet(Routes.PeerHello, (HospesHost h) => Results.Json(h.PeerHello()));
    }

    /// <summary>
    /// The `/v1/peer` routes but join: only a caller whose TLS client certificate is a trusted host's gets through, with
    /// its <see cref="PeerRecord"/> in <c>HttpContext.Items["hospes.peer"]</c>. Add host-to-host endpoints here, with
    /// their whole route (the group adds no prefix, so the routes stay those of <see cref="Routes"/>).
    /// </summary>
    internal static RouteGroupBuilder PeerGroup(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("");
        group.AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            HospesHost host = http.RequestServices.GetRequiredService<HospesHost>();
            if (host.TrustedPeer(await http.Connection.GetClientCertificateAsync(http.RequestAborted)) is not { } peer)
            {
                return ApiResults.Forbidden("this host does not trust the caller; run `hospes host token` here and `hospes host add` there");
            }

            http.Items[PeerItem] = peer;
            return await next(context);
        });
        return group;
    }
}
