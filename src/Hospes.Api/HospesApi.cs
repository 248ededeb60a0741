using System.Net.Sockets;
using System.Text.Json;
using Hospes.Api.Endpoints;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host;
using Hospes.Host.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hospes.Api;

/// <summary>hospesd: the host, served as REST + WebSocket on a unix socket.</summary>
public static partial class HospesApi
{
    public static async Task<int> RunAsync(Hospes.Host.Settings.HostOptions options, CancellationToken ct)
    {
        string socket = Path.GetFullPath(options.SocketPath);
        if (Path.GetDirectoryName(socket) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        if (await IsListeningAsync(socket, ct))
        {
            await Console.Error.WriteLineAsync($"hospesd: another hospesd is already listening on {socket}; stop it or use --socket with another path");
            return 1;
        }

        File.Delete(socket);
        // hospesd reads no appsettings.json. ASP.NET Core would still watch the content root (the working directory,
        // "/" under systemd) for it, adding an inotify watch to every folder below: 0.35 s of startup in a source
        // tree, and the host's inotify limit from "/". The install folder as content root and no reload avoid both.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<JsonOptions>(o => WireJson.Apply(o.SerializerOptions));

        HospesHost host;
        using var logs = LoggerFactory.Create(l => l.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        }));
        try
        {
            host = await HospesHost.StartAsync(options, TimeProvider.System, logs, ct);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"hospesd: {e.Message}");
            return 1;
        }

        await using (host)
        {
            builder.WebHost.ConfigureKestrel(k =>
            {
                // TCP first: Kestrel binds in order, so once the unix socket answers, other hosts can connect too.
                if (options.ListenEndpoint is { } endpoint)
                {
                    k.Listen(endpoint, l => l.UseHttps(PeerTls(host)));
                }

                k.ListenUnixSocket(socket);
            });
            builder.Services.AddSingleton(host);
            builder.Services.AddSingleton(host.VmsApi);
            builder.Services.AddSingleton(host.HostApi);
            builder.Services.AddSingleton(host.NetworksApi);
            builder.Services.AddSingleton(host.MemoryApi);
            builder.Services.AddSingleton(host.StoreApi);
            builder.Services.AddSingleton(host.ImagesApi);
            builder.Services.AddSingleton(host.MigrationsApi);
            builder.Services.AddSingleton(host.PeersApi);
            WebApplication app = builder.Build();
            app.UseExceptionHandler(errors => errors.Run(async http =>
            {
                Exception? e = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                IResult result = e is BadHttpRequestException or JsonException
                    ? ApiResults.Error(HospesError.Invalid($"malformed request: {e.InnerException?.Message ?? e.Message}"))
                    : ApiResults.Error(new HospesError(ErrorCode.Internal, e?.Message ?? "internal error"));
                await result.ExecuteAsync(http);
            }));
            app.Use(OnlyPeerRoutesOverTcp);
            app.UseWebSockets();
            VmEndpoints.Map(app);
            ConsoleEndpoints.Map(app);
            HostEndpoints.Map(app);
            StoreEndpoints.Map(app);
            ImageEndpoints.Map(app);
            NetworkEndpoints.Map(app);
            MemoryEndpoints.Map(app);
            PeerEndpoints.Map(app);
            MigrationEndpoints.Map(app);
            MigrationEndpoints.MapPeer(PeerEndpoints.PeerGroup(app));
            app.MapFallback(() => ApiResults.Error(HospesError.NotFound("no such API endpoint; the API lives under /v1")));
            await app.StartAsync(ct);
            File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            LogListening(app.Logger, socket, options.StateDir);
            if (options.ListenEndpoint is { } listen)
            {
                LogListeningTcp(app.Logger, listen, host.PeersApi.Fingerprint);
            }

            await app.WaitForShutdownAsync(ct);
        }

        return 0;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "hospesd listening on {Socket}, state in {StateDir}")]
    private static partial void LogListening(ILogger logger, string socket, string stateDir);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "hospesd listening for other hosts on https://{Listen}/v1/peer/, certificate fingerprint {Fingerprint}")]
    private static partial void LogListeningTcp(ILogger logger, System.Net.IPEndPoint listen, string fingerprint);

    /// <summary>Any client certificate is let in: trust is decided per request by its fingerprint (PeerEndpoints).</summary>
    private static HttpsConnectionAdapterOptions PeerTls(HospesHost host) => new()
    {
        ServerCertificate = host.PeersApi.Certificate,
        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
        ClientCertificateValidation = (_, _, _) => true,
    };

    /// <summary>The TCP listener serves other hosts only; the full API stays on the unix socket.</summary>
    private static Task OnlyPeerRoutesOverTcp(HttpContext http, RequestDelegate next) =>
        http.Request.IsHttps && !http.Request.Path.StartsWithSegments(Routes.Peer, StringComparison.Ordinal)
            ? ApiResults.Error(HospesError.NotFound("this address serves other Hospes hosts only; use the unix socket")).ExecuteAsync(http)
            : next(http);

    private static async Task<bool> IsListeningAsync(string socket, CancellationToken ct)
    {
        if (!File.Exists(socket))
        {
            return false;
        }

        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
