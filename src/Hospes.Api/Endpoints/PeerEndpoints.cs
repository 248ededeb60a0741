using Hospes.Contracts;
using Hospes.Host.Edge;
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
    /// <summary>Where the peer group's filter leaves the caller's <see cref="HostPeerInfo"/>.</summary>
    public const string PeerItem = "hospes.peer";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.HostTokens, (PeersApi peers) => ApiResults.From(peers.CreateToken(), StatusCodes.Status201Created));
        app.MapGet(Routes.HostPeers, (PeersApi peers) => Results.Json(peers.List()));
        app.MapPost(Routes.HostPeers, async (HostAddRequest request, PeersApi peers, CancellationToken ct) =>
            ApiResults.From(await peers.AddAsync(request, ct), StatusCodes.Status201Created));
        app.MapDelete(Routes.HostPeer, (string name, PeersApi peers) => ApiResults.From(peers.Remove(name)));
        app.MapPost(Routes.HostPeerCheck, async (string name, PeersApi peers, CancellationToken ct) => ApiResults.From(await peers.CheckAsync(name, ct)));

        app.MapPost(Routes.PeerJoin, async (PeerJoinRequest request, HttpContext http, PeersApi peers) =>
            ApiResults.From(peers.Join(request, await http.Connection.GetClientCertificateAsync(http.RequestAborted), http.Connection.RemoteIpAddress)));
        PeerGroup(app).MapGet(Routes.PeerHello, (PeersApi peers) => Results.Json(peers.Hello()));
    }

    /// <summary>
    /// The `/v1/peer` routes but join: only a caller whose TLS client certificate is a trusted host's gets through, with
    /// its <see cref="HostPeerInfo"/> in <c>HttpContext.Items["hospes.peer"]</c>. Add host-to-host endpoints here, with
    /// their whole route (the group adds no prefix, so the routes stay those of <see cref="Routes"/>).
    /// </summary>
    /// <remarks>
    /// A host removed from this host's cluster is refused too (its certificate is revoked there), but where
    /// <paramref name="rejoin"/>: the cluster join, which its one-time token authenticates.
    /// </remarks>
    internal static RouteGroupBuilder PeerGroup(IEndpointRouteBuilder app, bool rejoin = false)
    {
        RouteGroupBuilder group = app.MapGroup("");
        group.AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            PeersApi peers = http.RequestServices.GetRequiredService<PeersApi>();
            var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
            if (peers.TrustedPeer(certificate) is not { } peer)
            {
                return ApiResults.Forbidden("this host does not trust the caller; run `hospes host token` here and `hospes host add` there");
            }

            if (!rejoin && http.RequestServices.GetRequiredService<ClusterApi>().RevokedPeer(certificate) is { } revoked)
            {
                return ApiResults.Forbidden(revoked);
            }

            http.Items[PeerItem] = peer;
            return await next(context);
        });
        return group;
    }
}
