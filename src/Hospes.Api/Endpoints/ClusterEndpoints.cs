using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>`/v1/cluster/...` for the host's admin, and `/v1/peer/cluster/join` for a trusted host that joins.</summary>
internal static class ClusterEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.Cluster, async (ClusterInitRequest? request, ClusterApi cluster, CancellationToken ct) =>
            ApiResults.From(await cluster.InitAsync(request ?? new ClusterInitRequest(), ct), StatusCodes.Status201Created));
        app.MapGet(Routes.Cluster, (ClusterApi cluster) => ApiResults.From(cluster.Show()));
        app.MapPost(Routes.ClusterTokens, async (ClusterApi cluster, CancellationToken ct) => ApiResults.From(await cluster.CreateTokenAsync(ct), StatusCodes.Status201Created));
        app.MapPost(Routes.ClusterJoin, async (ClusterJoinRequest request, ClusterApi cluster, CancellationToken ct) => ApiResults.From(await cluster.JoinAsync(request, ct)));
        app.MapPost(Routes.ClusterLeave, async (ClusterApi cluster, CancellationToken ct) => ApiResults.From(await cluster.LeaveAsync(ct)));
        app.MapGet(Routes.ClusterHosts, async (ClusterApi cluster, CancellationToken ct) => ApiResults.From(await cluster.ListAsync(ct)));
        app.MapDelete(Routes.ClusterHost, async (string name, ClusterApi cluster, CancellationToken ct) => ApiResults.From(await cluster.RemoveAsync(name, ct)));
        app.MapPut(Routes.ClusterTemplate, async (string name, HttpContext http, StoreApi store, ClusterForwarding forwarding) =>
        {
            // A member copies a template here for the clones it placed here; a copy half sent leaves nothing (the run is not the caller's to cancel).
            Result<TemplateInfo> received = await store.ReceiveTemplateAsync(name, http.Request.Body, forwarding.HostName, Access.Callers.Of(http), http.RequestAborted);
            if (received.IsOk)
            {
                forwarding.LogTemplateReceived(name, received.Value.SourceVm ?? "?");
            }

            return ApiResults.From(received);
        });
        app.MapPost(Routes.ClusterTemplate, async (string name, string to, HttpContext http, StoreApi store, ClusterForwarding forwarding) =>
        {
            if (!ClusterForwarding.IsMemberCopier(Access.Callers.Of(http), to))
            {
                return ApiResults.Error(HospesError.Forbidden($"POST {Routes.ClusterTemplate} is what member '{to}' sends when its copy of this host's template is stale; {Access.Callers.Of(http).Display} is not that member's hospesd"));
            }

            // The copy is the member's clone run's business, not the caller's to cancel halfway (a copy half sent leaves nothing).
            Result<bool> sent = await forwarding.SendTemplateToAsync(to, store, name, CancellationToken.None);
            return sent.IsOk ? ApiResults.From(store.GetTemplate(name)) : ApiResults.Error(sent.Error);
        });
        app.MapDelete(Routes.ClusterTemplate, async (string name, string home, HttpContext http, StoreApi store, ClusterForwarding forwarding) =>
            ClusterForwarding.IsMemberCopier(Access.Callers.Of(http), home)
                ? ApiResults.From(await store.DeleteTemplateCopyAsync(name, home, forwarding.HostName, http.RequestAborted))
                : ApiResults.Error(HospesError.Forbidden($"DELETE {Routes.ClusterTemplate} is what member '{home}' sends when it deletes its template; {Access.Callers.Of(http).Display} is not that member's hospesd (`hospes template delete {name}` deletes this host's own)")));

        PeerEndpoints.PeerGroup(app, rejoin: true).MapPost(Routes.PeerClusterJoin, async (PeerClusterJoinRequest request, HttpContext http, ClusterApi cluster, CancellationToken ct) =>
        {
            var peer = (HostPeerInfo)http.Items[PeerEndpoints.PeerItem]!;
            var certificate = await http.Connection.GetClientCertificateAsync(ct);
            return ApiResults.From(await cluster.AcceptJoinAsync(request, certificate!, peer.Address, ct));
        });
    }
}
