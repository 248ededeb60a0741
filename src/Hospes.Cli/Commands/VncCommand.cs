using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Hospes.Client;

namespace Hospes.Cli.Commands;

/// <summary>
/// `hospes vnc NAME` (xl's vncviewer): a VNC port on this machine's loopback, each connection tunnelled through
/// hospesd's WebSocket to the guest's display, so it works over `hospes remote` too. Starts `vncviewer` when there is one.
/// </summary>
internal static class VncCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name");
        var listen = new Option<string>("--listen") { Description = "Loopback address and port to listen on (default 127.0.0.1 and a free port)", DefaultValueFactory = _ => "127.0.0.1:0" };
        var noViewer = new Option<bool>("--no-viewer") { Description = "Only open the tunnel; do not start vncviewer" };
        var cmd = new Command("vnc", "Open a VM's graphical console (VNC) through a local tunnel; Ctrl-C ends it\n\nExamples:\n  hospes vnc win10\n  hospes vnc win10 --listen 127.0.0.1:5901 --no-viewer") { name, listen, noViewer };
        cmd.Aliases.Add("vncviewer");
        CliContext.Action(cmd, (p, client, ct) => TunnelAsync(client, p.GetValue(name)!, ParseListen(p.GetValue(listen)!), p.GetValue(noViewer), ct));
        return cmd;
    }

    /// <summary>The tunnel to <paramref name="vm"/>'s display, and vncviewer on it unless <paramref name="noViewer"/>; also `create -V`.</summary>
    internal static async Task<int> TunnelAsync(HospesClient client, string vm, IPEndPoint endpoint, bool noViewer, CancellationToken ct)
    {
        // One connection first: hospesd's refusal (no display, not running) is its close reason, shown before any viewer starts.
        await ProbeAsync(client, vm, ct);
        using var listener = new TcpListener(endpoint);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new CliException($"cannot listen on {endpoint}: {e.Message}; choose another with --listen 127.0.0.1:PORT");
        }

        var bound = (IPEndPoint)listener.LocalEndpoint;
        string address = $"{bound.Address}::{bound.Port.ToString(CultureInfo.InvariantCulture)}";
        Console.Out.WriteLine($"the display of {vm} is at {bound} (VNC, no password; it listens on loopback only)");
        using Process? viewer = noViewer ? null : StartViewer(address);
        Console.Out.WriteLine(viewer is null
            ? $"point a VNC viewer at it, e.g. `vncviewer {address}`; Ctrl-C ends the tunnel"
            : $"started vncviewer {address}; the tunnel ends when it exits (or with Ctrl-C)");
        await Console.Out.FlushAsync(ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (viewer is not null)
        {
            _ = viewer.WaitForExitAsync(ct).ContinueWith(_ => stop.Cancel(), TaskScheduler.Default);
        }

        await ServeAsync(listener, client, vm, stop.Token);
        return 0;
    }

    internal static IPEndPoint ParseListen(string text)
    {
        if (!IPEndPoint.TryParse(text, out IPEndPoint? endpoint) || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new CliException($"--listen '{text}' is not ADDRESS:PORT; write e.g. 127.0.0.1:5901");
        }

        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new CliException($"--listen '{text}': the tunnel has no password, so it listens on loopback only; use 127.0.0.1:PORT (or [::1]:PORT)");
        }

        return endpoint;
    }

    private static async Task ProbeAsync(HospesClient client, string vm, CancellationToken ct)
    {
        using ClientWebSocket ws = await client.Console.ConnectVncAsync(vm, ct);
        byte[] buffer = new byte[64];
        WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, ct);
        if (r.MessageType == WebSocketMessageType.Close)
        {
            throw new CliException(r.CloseStatusDescription is { Length: > 0 } reason ? reason : $"hospesd closed the display of {vm} ({r.CloseStatus})");
        }

        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "probe", CancellationToken.None);
    }

    private static Process? StartViewer(string address)
    {
        string? path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "vncviewer")).FirstOrDefault(File.Exists);
        return path is null ? null : Process.Start(new ProcessStartInfo(path, [address]) { UseShellExecute = false });
    }

    private static async Task ServeAsync(TcpListener listener, HospesClient client, string vm, CancellationToken ct)
    {
        var tunnels = new List<Task>();
        try
        {
            while (true)
            {
                TcpClient tcp = await listener.AcceptTcpClientAsync(ct);
                tunnels.Add(TunnelAsync(tcp, client, vm, ct));
                tunnels.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(tunnels).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>One viewer connection: TCP in, WebSocket out, until either side closes.</summary>
    private static async Task TunnelAsync(TcpClient tcp, HospesClient client, string vm, CancellationToken ct)
    {
        using (tcp)
        {
            ClientWebSocket ws;
            try
            {
                ws = await client.Console.ConnectVncAsync(vm, ct);
            }
            catch (Exception e) when (e is HospesApiException or OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"hospes: {e.Message}");
                return;
            }

            using (ws)
            {
                NetworkStream stream = tcp.GetStream();
                Task up = Task.Run(async () =>
                {
                    byte[] buffer = new byte[16384];
                    try
                    {
                        int n;
                        while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                        {
                            await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, ct);
                        }

                        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "viewer closed", CancellationToken.None);
                    }
                    catch (Exception e) when (e is IOException or WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }, CancellationToken.None);

                byte[] read = new byte[65536];
                try
                {
                    while (true)
                    {
                        WebSocketReceiveResult r = await ws.ReceiveAsync(read, ct);
                        if (r.MessageType == WebSocketMessageType.Close)
                        {
                            if (r.CloseStatus is not WebSocketCloseStatus.NormalClosure && r.CloseStatusDescription is { Length: > 0 } reason)
                            {
                                await Console.Error.WriteLineAsync($"hospes: {reason}");
                            }

                            break;
                        }

                        await stream.WriteAsync(read.AsMemory(0, r.Count), ct);
                    }
                }
                catch (Exception e) when (e is IOException or WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                }

                tcp.Client.Shutdown(SocketShutdown.Both);
                await up.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
