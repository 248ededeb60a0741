using System.Globalization;
using System.Net.WebSockets;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Edge;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Cluster;

/// <summary>
/// The console, display and TCP relay WebSockets of a VM another member owns: this host checks the caller (and the
/// web UI's one-time ticket, which it issued: the session cookie is this host's), opens the same WebSocket on the owner
/// with the caller's envelope, the owner authorizes it again, and the frames are relayed both ways until either side closes.
/// </summary>
internal sealed partial class ForwardProxy
{
    /// <summary>Item of a request whose WebSocket goes to another host: run by <see cref="RelayPending"/>, once the WebSocket feature is there.</summary>
    private const string PendingItem = "hospes.forward.socket";

    private static readonly HashSet<string> Sockets = new(StringComparer.Ordinal) { Routes.VmConsole, Routes.VmVnc, Routes.VmTcp };

    /// <summary>Middleware after UseWebSockets: a WebSocket the access middleware sent to another host is relayed here, not served.</summary>
    public static Task RelayPending(HttpContext http, RequestDelegate next) =>
        http.Items.TryGetValue(PendingItem, out object? relay) && relay is Func<Task> run ? run() : next(http);

    /// <summary>The socket goes to <paramref name="host"/>: the ticket checked here, then the rest of the pipeline up to <see cref="RelayPending"/>.</summary>
    private async Task SocketAsync(HttpContext http, Caller caller, AuditedRequest request, ForwardHost host, string template, string vm, RequestDelegate next)
    {
        if (template != Routes.VmTcp && tickets.Refusal(http, caller.Display, vm) is { } refused)
        {
            await request.RefuseAsync(caller.Display, caller.Source, refused, record: true);
            return;
        }

        http.Items[PendingItem] = (Func<Task>)(() => RelayAsync(http, caller, request, host));
        await next(http);
    }

    /// <summary>
    /// A ticket for a console of a VM on <paramref name="host"/>: the owner is asked first (it authorizes VM.Console
    /// there), then this host issues it, since the socket is opened here with this host's session cookie.
    /// </summary>
    private async Task TicketAsync(HttpContext http, Caller caller, AuditedRequest request, ForwardHost host, string vm)
    {
        string? body = null;
        int status = await SendAsync(http, caller, host, null, relay: false, (_, b) =>
        {
            body = b;
            return Task.CompletedTask;
        });
        if (body is null)
        {
            return;
        }

        if (status != StatusCodes.Status200OK)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.Headers[HostHeader] = host.Name;
            await http.Response.WriteAsync(body, http.RequestAborted);
            request.Record(caller.Display, caller.Source, string.Create(CultureInfo.InvariantCulture, $"{status} (forwarded to host {host.Name})"));
            return;
        }

        (string ticket, DateTimeOffset expires) = tickets.Issue(caller.Display, vm);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers[HostHeader] = host.Name;
        await Results.Json(new ConsoleTicket { Ticket = ticket, Vm = vm, ExpiresAt = expires }).ExecuteAsync(http);
        request.Record(caller.Display, caller.Source, $"200 (host {host.Name} allowed it; the ticket is this host's, for the console it relays)");
    }

    private async Task RelayAsync(HttpContext http, Caller caller, AuditedRequest request, ForwardHost host)
    {
        CancellationToken ct = http.RequestAborted;
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ApiResults.Error(HospesError.Invalid($"{http.Request.Path} is a WebSocket: open it with a WebSocket client (`hospes console`, `hospes vnc`, `hospes ssh`)")).ExecuteAsync(http);
            return;
        }

        string path = (http.Request.Path + http.Request.QueryString).ToString();
        Result<ForwardedSocket> opened = await forwarding.OpenSocketAsync(host, path, caller, http.WebSockets.WebSocketRequestedProtocols, ct);
        if (!opened.IsOk)
        {
            await request.RefuseAsync(caller.Display, caller.Source, opened.Error, record: true);
            return;
        }

        using ForwardedSocket remote = opened.Value;
        if (remote.Socket is not { } far)
        {
            http.Response.StatusCode = remote.Status;
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.Headers[HostHeader] = host.Name;
            await http.Response.WriteAsync(remote.Body, ct);
            request.Record(caller.Display, caller.Source, string.Create(CultureInfo.InvariantCulture, $"{remote.Status} (WebSocket refused by host {host.Name})"));
            forwarding.LogForwarded(request.Action, caller.Display, host.Name, remote.Status);
            return;
        }

        using WebSocket near = await http.WebSockets.AcceptWebSocketAsync(far.SubProtocol);
        request.Record(caller.Display, caller.Source, $"101 (WebSocket forwarded to host {host.Name})");
        forwarding.LogForwarded(request.Action, caller.Display, host.Name, StatusCodes.Status101SwitchingProtocols);
        await PumpAsync(near, far);
    }

    /// <summary>Frames both ways, as they come (type and message ends kept); a close from either side is passed on, then both end.</summary>
    internal static async Task PumpAsync(WebSocket near, WebSocket far)
    {
        Task up = CopyAsync(near, far);
        Task down = CopyAsync(far, near);
        Task first = await Task.WhenAny(up, down);
        Task other = first == up ? down : up;
        if (await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(10))) != other)
        {
            near.Abort();
            far.Abort();
        }

        await other;
    }

    private static async Task CopyAsync(WebSocket from, WebSocket to)
    {
        byte[] buffer = new byte[65536];
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult r = await from.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        WebSocketCloseStatus status = from.CloseStatus is { } said and not WebSocketCloseStatus.Empty ? said : WebSocketCloseStatus.NormalClosure;
                        await to.CloseOutputAsync(status, from.CloseStatusDescription, CancellationToken.None);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            to.Abort();
        }
    }
}
