using System.Text.Json;
using Hospes.Api.Access;
using Hospes.Api.Endpoints;
using Hospes.Api.OpenApi;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hospes.Api;

/// <summary>The API as one piece: what the endpoints bind to, and the pipeline with every endpoint (hospesd and the tests build it alike).</summary>
internal static class ApiApp
{
    /// <summary>The wire's JSON shape and the host's edge classes, one per feature, for the endpoints to bind to.</summary>
    public static void AddHospes(this IServiceCollection services, HospesHost host)
    {
        services.Configure<JsonOptions>(o => WireJson.Apply(o.SerializerOptions));

        // A body that is not JSON (or not the request's shape) reaches the exception handler below, which names the
        // problem; without this, minimal APIs answer a bare 400 outside Development.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton(host.VmsApi);
        services.AddSingleton(host.HostApi);
        services.AddSingleton(host.NetworksApi);
        services.AddSingleton(host.MemoryApi);
        services.AddSingleton(host.ForksApi);
        services.AddSingleton(host.VcpusApi);
        services.AddSingleton(host.GuestApi);
        services.AddSingleton(host.BlocksApi);
        services.AddSingleton(host.VifsApi);
        services.AddSingleton(host.StoreApi);
        services.AddSingleton(host.ImagesApi);
        services.AddSingleton(host.MigrationsApi);
        services.AddSingleton(host.PeersApi);
        services.AddSingleton(host.ClusterApi);
        services.AddSingleton(host.Forwarding);
        services.AddSingleton<Cluster.ForwardProxy>();
        services.AddSingleton(host.EvacuationApi);
        services.AddSingleton(host.Access);
        services.AddSingleton(host.Logins);
        services.AddSingleton(host.Audit);
        services.AddSingleton(host.UserCertificatesApi);
        services.AddHospesAccess();
        services.AddSingleton(host.AccessApi);
        services.AddSingleton(host.AccessWrites);
        services.AddHospesOpenApi();
        services.AddSingleton(host.EventsApi);
        services.AddSingleton(host.ProjectsApi);
    }

    /// <summary>Errors as the wire's error body, routing, authentication and authorization, WebSockets, and every endpoint.</summary>
    public static void MapHospes(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async http =>
            {
                Exception? e = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                IResult result = IsMalformed(e)
                    ? ApiResults.Error(HospesError.Invalid($"malformed request: {e!.InnerException?.Message ?? e.Message}"))
                    : ApiResults.Error(new HospesError(ErrorCode.Internal, e?.Message ?? "internal error"));
                await result.ExecuteAsync(http);
            },

            // A caller's malformed request is its error, answered in full; only the host's own failures go to the log.
            SuppressDiagnosticsCallback = c => IsMalformed(c.Exception),
        });
        app.Use(BodyLimit.Apply);
        app.UseHospesWebUi();
        app.UseRouting();
        app.UseHospesAccess();
        app.Use(Access.Projects.Check);
        app.Use(Http2WebSockets.Restore);
        app.UseWebSockets();
        app.Use(Cluster.ForwardProxy.RelayPending);
        VmEndpoints.Map(app);
        ConsoleEndpoints.Map(app);
        VncEndpoints.Map(app);
        ConsoleTicketEndpoints.Map(app);
        XlEndpoints.Map(app);
        SchedEndpoints.Map(app);
        HostEndpoints.Map(app);
        StoreEndpoints.Map(app);
        ImageEndpoints.Map(app);
        NetworkEndpoints.Map(app);
        MemoryEndpoints.Map(app);
        ForkEndpoints.Map(app);
        VcpuEndpoints.Map(app);
        GuestEndpoints.Map(app);
        BlockEndpoints.Map(app);
        VifEndpoints.Map(app);
        PeerEndpoints.Map(app);
        ClusterEndpoints.Map(app);
        EvacuationEndpoints.Map(app);
        MigrationEndpoints.Map(app);
        EventEndpoints.Map(app);
        ProjectEndpoints.Map(app);
        MigrationEndpoints.MapPeer(PeerEndpoints.PeerGroup(app));
        CertificateEndpoints.Map(app);
        AccessEndpoints.Map(app);
        SessionEndpoints.Map(app);
        app.MapHospesOpenApi();
        // "{*path}", not MapFallback's default "{*path:nonfile}": a path whose last segment looks like a file name
        // (/v1/x.cfg, or a ".." that failed a route's :int) would otherwise get a bare 404 without the error body.
        app.MapFallback(AccessMiddleware.Fallback, () => ApiResults.Error(HospesError.NotFound("no such API endpoint; the API lives under /v1")));
    }

    private static bool IsMalformed(Exception? e) => e is BadHttpRequestException or JsonException;
}
