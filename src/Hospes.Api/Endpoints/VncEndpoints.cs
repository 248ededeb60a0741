using System.Net.Sockets;
using System.Net.WebSockets;
using Hospes.Api.Access;
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

    private static async Task<IResult> RelayAsync(string name, HttpContext http, VmsApi vms, ConsoleTickets tickets, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiResults.Error(HospesError.Invalid($"the display of {name} is a WebSocket (RFB in binary frames): `hospes vnc {name}` opens it"));
        }

        if (tickets.Refusal(http, Callers.Of(http).Display, name) is { } refused)
        {
            return ApiResults.Error(refused);
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

        await WebSocketRelay.PumpAsync(ws, display, SocketShutdown.Both, "the display closed (the VM stopped?)");
        return Results.Empty;
    }

    private static Task CloseWithErrorAsync(WebSocket ws, string message) =>
        WebSocketRelay.CloseWithErrorAsync(ws, message, WebSocketCloseStatus.PolicyViolation);
}
