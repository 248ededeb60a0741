using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hospes.Api.Endpoints;

/// <summary>
/// The graphical console: a WebSocket that is a connection to the guest's VNC display, a unix socket only hospesd
/// reaches. The bytes are RFB as QEMU speaks it; `hospes vnc` (a local viewer tunnel) and the web UI (noVNC) use it.
/// </summary>
internal static class VncEndpoints
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet(Routes.VmVnc, RelayAsync);

    private static async Task<IResult> RelayAsync(string name, HttpContext http, VmsApi vms, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiResults.Error(HospesError.Invalid($"the display of {name} is a WebSocket (RFB in binary frames): `hospes vnc {name}` opens it"));
        }

        // Accepted first, so a refusal reaches the client as the close reason (a refused upgrade carries no text).
        // noVNC may ask for the "binary" subprotocol; it gets it.
        string? subProtocol = http.WebSockets.WebSocketRequestedProtocols.Contains("binary") ? "binary" : null;
        using WebSocket ws = await http.WebSockets.AcceptWebSocketAsync(subProtocol);
        Result<string> socket = await vms.VncSocketAsync(name, ct);
        if (!socket.IsOk)
        {
            await CloseWithErrorAsync(ws, socket.Error.Message);
            return Results.Empty;
        }

        using var display = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await display.ConnectAsync(new UnixDomainSocketEndPoint(socket.Value), ct);
        }
        catch (SocketException e)
        {
            await CloseWithErrorAsync(ws, $"{name}: its display does not answer ({e.Message}); is its QEMU still running?");
            return Results.Empty;
        }

        await using var stream = new NetworkStream(display, ownsSocket: false);
        Task toDisplay = Task.Run(async () =>
        {
            byte[] buffer = new byte[16384];
            try
            {
                while (true)
                {
                    WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, r.Count), CancellationToken.None);
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
            {
            }

            display.Shutdown(SocketShutdown.Both);
        }, CancellationToken.None);

        byte[] read = new byte[65536];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(read, CancellationToken.None)) > 0)
            {
                await ws.SendAsync(read.AsMemory(0, n), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }

            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "the display closed (the VM stopped?)", CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or SocketException)
        {
        }

        await toDisplay.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        return Results.Empty;
    }

    /// <summary>A close frame's reason holds at most 123 bytes.</summary>
    private static async Task CloseWithErrorAsync(WebSocket ws, string message)
    {
        string reason = message;
        while (Encoding.UTF8.GetByteCount(reason) > 123)
        {
            reason = reason[..^1];
        }

        try
        {
            await ws.CloseAsync(WebSocketCloseStatus.PolicyViolation, reason, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
    }
}
