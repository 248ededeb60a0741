using System.Net.WebSockets;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>A VM's serial console.</summary>
public sealed class ConsoleApi
{
    private readonly HospesConnection _c;

    internal ConsoleApi(HospesConnection connection) => _c = connection;

    /// <summary>What the guest wrote on its console so far (the last 8 MiB).</summary>
    public Task<string> LogAsync(string vm, CancellationToken ct) => _c.GetTextAsync(Routes.Path(Routes.VmConsoleLog, vm), ct);

    /// <summary>A one-time ticket for a console WebSocket opened with the web UI's session cookie (a token caller needs none).</summary>
    public Task<ConsoleTicket> TicketAsync(string vm, CancellationToken ct) => _c.SendAsync<ConsoleTicket>(HttpMethod.Post, Routes.Path(Routes.VmConsoleTicket, vm), null, ct);

    /// <summary>The live console: binary frames both ways; hospesd closes it when the VM stops.</summary>
    public Task<ClientWebSocket> ConnectAsync(string vm, CancellationToken ct) =>
        _c.ConnectWebSocketAsync(Routes.Path(Routes.VmConsole, vm), $"cannot attach to the console of {vm}", ct);

    /// <summary>
    /// The guest's VNC display (RFB as QEMU speaks it), binary frames both ways. A refusal (no display, not running)
    /// arrives as the close reason of the first receive.
    /// </summary>
    public Task<ClientWebSocket> ConnectVncAsync(string vm, CancellationToken ct) =>
        _c.ConnectWebSocketAsync(Routes.Path(Routes.VmVnc, vm), $"cannot open the display of {vm}", ct);
}
