using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hospes.Client.Tests.Support;

/// <summary>
/// Kestrel on 127.0.0.1 over HTTPS with a self-signed certificate, letting in only <c>Authorization: Bearer TOKEN</c>
/// (else 401 with hospesd's error body): the console log route answers text, the console route echoes over a WebSocket.
/// </summary>
internal sealed class BearerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BearerServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>GET /v1/host answers 403 (a valid token without host rights) instead of the host's details.</summary>
    public bool HostForbidden { get; set; }

    public Uri Url { get; private set; } = null!;

    /// <summary>The Authorization header of every request that reached the server, WebSocket upgrades included.</summary>
    public List<string?> Authorizations { get; } = [];

    /// <summary>The fingerprint of the client certificate of the last request, if it had one.</summary>
    public string? ClientFingerprint { get; private set; }

    public static async Task<BearerServer> StartAsync(string token)
    {
        X509Certificate2 certificate = TestCertificate.Create("hospesd");
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(h =>
        {
            h.ServerCertificate = certificate;
            h.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
            h.AllowAnyClientCertificate();
        })));
        WebApplication app = builder.Build();
        var server = new BearerServer(app, certificate);
        app.UseWebSockets();
        app.Use(async (http, next) =>
        {
            string? authorization = http.Request.Headers.Authorization;
            lock (server.Authorizations)
            {
                server.Authorizations.Add(authorization);
            }

            server.ClientFingerprint = http.Connection.ClientCertificate is { } c ? TestCertificate.FingerprintOf(c) : null;
            if (authorization != $"Bearer {token}")
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await http.Response.WriteAsJsonAsync(new { error = new { code = "unauthenticated", message = "unknown or revoked token" } });
                return;
            }

            await next(http);
        });
        app.MapGet("/v1/host", (HttpContext http) => server.HostForbidden
            ? Results.Json(new { error = new { code = "forbidden", message = "alice may not GET /v1/host: it needs Sys.Audit on /" } }, statusCode: StatusCodes.Status403Forbidden)
            : Results.Json(new { hostname = "remote-host", hospes_version = "test", kernel = "6.1", state_dir = "/var/lib/hospes" }));
        app.MapGet("/v1/vms", () => Results.Json(Array.Empty<object>()));
        app.MapGet("/v1/vms/{name}/console/log", (string name) => Results.Text($"log of {name}"));
        app.MapGet("/v1/vms/{name}/console", async (HttpContext http) =>
        {
            using WebSocket ws = await http.WebSockets.AcceptWebSocketAsync();
            byte[] buffer = new byte[256];
            WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, CancellationToken.None);
            await ws.SendAsync(buffer.AsMemory(0, r.Count), WebSocketMessageType.Binary, true, CancellationToken.None);
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        });
        await app.StartAsync();
        server.Url = new Uri(app.Urls.Single());
        return server;
    }

    public string Fingerprint => TestCertificate.FingerprintOf(Certificate);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
