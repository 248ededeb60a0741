using System.Net.Sockets;
using System.Text.Json;
using Hospes.Api.Endpoints;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hospes.Api;

/// <summary>hospesd: the host, served as REST + WebSocket on a unix socket.</summary>
public static partial class HospesApi
{
    public static async Task<int> RunAsync(Hospes.Host.HostOptions options, CancellationToken ct)
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
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socket));
        builder.Services.Configure<JsonOptions>(o => HospesJson.Apply(o.SerializerOptions));

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
            builder.Services.AddSingleton(host);
            WebApplication app = builder.Build();
            app.UseExceptionHandler(errors => errors.Run(async http =>
            {
                Exception? e = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                IResult result = e is BadHttpRequestException or JsonException
                    ? ApiResults.Error(HospesError.Invalid($"malformed request: {e.InnerException?.Message ?? e.Message}"))
                    : ApiResults.Error(new HospesError(ErrorCode.Internal, e?.Message ?? "internal error"));
                await result.ExecuteAsync(http);
            }));
            app.UseWebSockets();
            VmEndpoints.Map(app);
            ConsoleEndpoints.Map(app);
            HostEndpoints.Map(app);
            StoreEndpoints.Map(app);
            NetworkEndpoints.Map(app);
            MemoryEndpoints.Map(app);
            app.MapFallback(() => ApiResults.Error(HospesError.NotFound("no such API endpoint; the API lives under /v1")));
            await app.StartAsync(ct);
            File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            LogListening(app.Logger, socket, options.StateDir);
            await app.WaitForShutdownAsync(ct);
        }

        return 0;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "hospesd listening on {Socket}, state in {StateDir}")]
    private static partial void LogListening(ILogger logger, string socket, string stateDir);

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
