using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Hospes.Api.Endpoints;

/// <summary>
/// What the WebSocket relays share (a guest's TCP port, a guest's VNC display): bytes both ways between an accepted
/// WebSocket and a connected socket, and a refusal sent as the close reason.
/// </summary>
internal static class WebSocketRelay
{
    /// <summary>
    /// Relays until either side ends: what the client sends goes to <paramref name="socket"/> (its end shuts
    /// <paramref name="socket"/> down as <paramref name="onClientEnd"/> says), what the socket sends goes to the client
    /// in binary frames; when the socket ends, the client gets a normal close with <paramref name="endReason"/>.
    /// </summary>
    public static async Task PumpAsync(WebSocket ws, Socket socket, SocketShutdown onClientEnd, string endReason)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        Task toSocket = Task.Run(async () =>
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

            try
            {
                socket.Shutdown(onClientEnd);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }, CancellationToken.None);

        byte[] read = new byte[65536];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(read, CancellationToken.None)) > 0)
            {
                await ws.SendAsync(read.AsMemory(0, n), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }

            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, endReason, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or SocketException)
        {
        }

        await toSocket.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Closes with <paramref name="message"/> as the reason, cut to the 123 bytes a close frame holds.</summary>
    public static async Task CloseWithErrorAsync(WebSocket ws, string message, WebSocketCloseStatus status)
    {
        string reason = message;
        while (Encoding.UTF8.GetByteCount(reason) > 123)
        {
            reason = reason[..^1];
        }

        try
        {
            await ws.CloseAsync(status, reason, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
    }
}
