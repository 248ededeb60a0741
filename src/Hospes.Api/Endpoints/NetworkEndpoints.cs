using System.Net;
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

/// <summary>Networks, a VM's vifs and port forwards, and a TCP relay into guests (what `hospes ssh` rides on).</summary>
internal static class NetworkEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Networks, async (string? project, NetworksApi networks, AccessGate access, HttpContext http, CancellationToken ct) =>
            Results.Json(await networks.ListAsync(ct, project, Projects.Filter(access, http))));
        app.MapPost(Routes.Networks, async (NetworkCreateRequest request, string? project, NetworksApi networks, CancellationToken ct) =>
            ApiResults.From(await networks.CreateAsync(request, ct, Projects.OrDefault(project)), StatusCodes.Status201Created));
        app.MapGet(Routes.Network, async (string name, NetworksApi networks, CancellationToken ct) => ApiResults.From(await networks.GetAsync(name, ct)));
        app.MapDelete(Routes.Network, async (string name, NetworksApi networks, CancellationToken ct) => ApiResults.From(await networks.DeleteAsync(name, ct)));

        app.MapGet(Routes.VmVifs, (string vm, NetworksApi networks) => ApiResults.From(networks.ListVifs(vm)));
        app.MapGet(Routes.PortForwards, (string? project, NetworksApi networks, AccessGate access, HttpContext http) =>
            ApiResults.From(networks.ListPortForwards(null, project, Projects.Filter(access, http))));
        app.MapGet(Routes.VmPortForwards, (string vm, NetworksApi networks) => ApiResults.From(networks.ListPortForwards(vm)));
        app.MapPost(Routes.VmPortForwards, async (string vm, PortForwardRequest request, NetworksApi networks, CancellationToken ct) =>
            ApiResults.From(await networks.AddPortForwardAsync(vm, request, ct), StatusCodes.Status201Created));
        app.MapDelete(Routes.VmPortForward, async (string vm, string protocol, int hostPort, NetworksApi networks, CancellationToken ct) =>
            ApiResults.From(await networks.RemovePortForwardAsync(vm, protocol, hostPort, ct)));
        app.MapGet(Routes.VmSsh, (string vm, NetworksApi networks) => ApiResults.From(networks.SshTarget(vm)));
        app.MapGet(Routes.VmTcp, RelayAsync);
    }

    /// <summary>
    /// A WebSocket that is a TCP connection to the guest, made from hospesd's network namespace: the client needs
    /// no route to the guest's network (hospesd may run in a namespace, or on another machine).
    /// </summary>
    private static async Task<IResult> RelayAsync(string vm, int port, HttpContext http, NetworksApi networks, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiResults.Error(HospesError.Invalid("the TCP relay is a WebSocket: `hospes ssh` and `hospes tcp-proxy` use it"));
        }

        // Accepted first, so a failure reaches the client as the close reason (a refused upgrade carries no text).
        using WebSocket ws = await http.WebSockets.AcceptWebSocketAsync();
        Result<IPEndPoint> endpoint = networks.GuestEndpoint(vm, port);
        if (!endpoint.IsOk)
        {
            await CloseWithErrorAsync(ws, endpoint.Error.Message);
            return Results.Empty;
        }

        using var tcp = new TcpClient();
        try
        {
            using var connectLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectLimit.CancelAfter(TimeSpan.FromSeconds(10));
            await tcp.ConnectAsync(endpoint.Value, connectLimit.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            await CloseWithErrorAsync(ws, $"{vm}: cannot connect to {endpoint.Value}: {(e is SocketException s ? s.Message : "no answer in 10 s")}");
            return Results.Empty;
        }

        await WebSocketRelay.PumpAsync(ws, tcp.Client, SocketShutdown.Send, "the guest closed the connection");
        return Results.Empty;
    }

    private static Task CloseWithErrorAsync(WebSocket ws, string message) =>
        WebSocketRelay.CloseWithErrorAsync(ws, message, WebSocketCloseStatus.EndpointUnavailable);
}
