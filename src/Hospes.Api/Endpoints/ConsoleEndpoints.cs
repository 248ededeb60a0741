using System.Net.WebSockets;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Hospes.Host.Console;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>The serial console: its log as text, and live over a WebSocket (binary frames both ways).</summary>
internal static class ConsoleEndpoints
{
    private const long MaxLogBytes = 8 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.VmConsoleLog, (string name, VmsApi vms) =>
        {
            Result<string> path = vms.ConsoleLogPath(name);
            if (!path.IsOk)
            {
                return ApiResults.Error(path.Error);
            }

            return Results.Text(ReadTail(path.Value), "text/plain; charset=utf-8");
        });

        app.MapGet(Routes.VmConsole, async (string name, HttpContext http, VmsApi vms, ConsoleTickets tickets, CancellationToken ct) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                return ApiResults.Error(HospesError.Invalid("the console is a WebSocket: connect with a WebSocket client (`hospes console NAME`)"));
            }

            if (tickets.Refusal(http, Callers.Of(http).Display, name) is { } refused)
            {
                return ApiResults.Error(refused);
            }

            Result<ConsoleSession> session = await vms.AttachConsoleAsync(name, ct);
            if (!session.IsOk)
            {
                return ApiResults.Error(session.Error);
            }

            using ConsoleSession console = session.Value;
            using WebSocket ws = await http.WebSockets.AcceptWebSocketAsync();
            await PumpAsync(ws, console, ct);
            return Results.Empty;
        });
    }

    private static async Task PumpAsync(WebSocket ws, ConsoleSession console, CancellationToken ct)
    {
        using var stopOutput = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task toClient = Task.Run(async () =>
        {
            try
            {
                await foreach (byte[] chunk in console.Output.ReadAllAsync(stopOutput.Token))
                {
                    await ws.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: true, stopOutput.Token);
                }

                // The VM stopped: say so, and give the client a moment to answer the close before hanging up.
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "the VM stopped", CancellationToken.None);
                await Task.Delay(TimeSpan.FromSeconds(5), stopOutput.Token);
                ws.Abort();
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }, CancellationToken.None);

        // Reads until the client closes or goes away, without a cancellation token: a request abort must
        // not drop keys that already arrived (a client may type a line and hang up at once).
        byte[] buffer = new byte[4096];
        try
        {
            while (ws.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                await console.WriteAsync(buffer.AsMemory(0, r.Count), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException or IOException or OperationCanceledException)
        {
        }

        await stopOutput.CancelAsync();
        await toClient;
        if (ws.State == WebSocketState.CloseReceived)
        {
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "detached", CancellationToken.None);
        }
    }

    private static string ReadTail(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length > MaxLogBytes)
        {
            f.Seek(-MaxLogBytes, SeekOrigin.End);
        }

        return new StreamReader(f).ReadToEnd();
    }
}
