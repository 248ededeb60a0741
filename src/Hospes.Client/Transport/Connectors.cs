using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hospes.Client.Transport;

/// <summary>The connect half of the two transports: a unix socket, or TCP with a time limit.</summary>
internal static class Connectors
{
    public static async ValueTask<Stream> UnixSocketAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new ConnectFailedException(
                $"{e.Message}: the unix socket is for root and members of group hospes-admin; join the group (usermod -aG hospes-admin USER), or log in with a token over HTTPS (hospes remote add)", e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ConnectFailedException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A dual-mode socket, as SocketsHttpHandler makes by default, so names and both address families work.</summary>
    public static async ValueTask<Stream> TcpAsync(DnsEndPoint endpoint, TimeSpan limit, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connect.CancelAfter(limit);
        try
        {
            await socket.ConnectAsync(endpoint, connect.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ConnectFailedException(e.Message, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            string message = string.Create(CultureInfo.InvariantCulture, $"no connection within {limit.TotalSeconds:0} s");
            throw new ConnectFailedException(message, new TimeoutException(message, e), timedOut: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
