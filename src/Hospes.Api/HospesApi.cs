using System.Net.Sockets;
using Hospes.Api.Access;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Host;
using Hospes.Host.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
                    k.Listen(endpoint, l => l.UseHttps(Tls(host)));
                }

                k.ListenUnixSocket(socket);
            });
            builder.Services.AddHospes(host);
            WebApplication app = builder.Build();
            app.MapHospes();
            // Kestrel creates the socket with mode 0777 & ~umask: under a umask of 000 (some process managers) any local
            // user could connect before the chmod below. Bound under 077, the socket is root's alone until then (#22).
            using (Umask.Restrict(Umask.OwnerOnly))
            {
                await app.StartAsync(ct);
            }

            File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            SocketGroup.Give(socket, app.Services.GetRequiredService<UnixAccounts>(), app.Logger);
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

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "hospesd serving the API on https://{Listen}/ (users log in; other hosts use /v1/peer), certificate fingerprint {Fingerprint}")]
    private static partial void LogListeningTcp(ILogger logger, System.Net.IPEndPoint listen, string fingerprint);

    /// <summary>
    /// Any client certificate is let in: who it is is decided per request by its fingerprint, a trusted host's under
    /// /v1/peer (PeerEndpoints), a user's mapped with hospes cert add elsewhere (AccessMiddleware).
    /// </summary>
    private static HttpsConnectionAdapterOptions Tls(HospesHost host) => new()
    {
        ServerCertificate = host.PeersApi.Certificate,
        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
        ClientCertificateValidation = (_, _, _) => true,
    };

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
