using System.Globalization;
using System.Net.WebSockets;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>Networks, a VM's interfaces and port forwards, and the way `hospes ssh` reaches a guest.</summary>
public sealed class NetworksApi
{
    private readonly HospesConnection _c;

    internal NetworksApi(HospesConnection connection) => _c = connection;

    public Task<IReadOnlyList<NetworkInfo>> ListAsync(CancellationToken ct) => _c.SendAsync<IReadOnlyList<NetworkInfo>>(HttpMethod.Get, Routes.Networks, null, ct);

    /// <summary>Creates a network and brings it up.</summary>
    public Task<NetworkInfo> CreateAsync(NetworkCreateRequest request, CancellationToken ct) => _c.SendAsync<NetworkInfo>(HttpMethod.Post, Routes.Networks, request, ct);

    public Task<NetworkInfo> GetAsync(string name, CancellationToken ct) => _c.SendAsync<NetworkInfo>(HttpMethod.Get, Routes.Path(Routes.Network, name), null, ct);

    public Task<NetworkInfo> DeleteAsync(string name, CancellationToken ct) => _c.SendAsync<NetworkInfo>(HttpMethod.Delete, Routes.Path(Routes.Network, name), null, ct);

    public Task<IReadOnlyList<VifInfo>> ListVifsAsync(string vm, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<VifInfo>>(HttpMethod.Get, Routes.Path(Routes.VmVifs, vm), null, ct);

    /// <summary>network-attach: the vif joins the VM's spec, and is plugged in while it runs; the VM's vifs after.</summary>
    public Task<IReadOnlyList<VifInfo>> AttachVifAsync(string vm, VifAttachRequest request, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<VifInfo>>(HttpMethod.Post, Routes.Path(Routes.VmVifs, vm), request, ct);

    /// <summary>network-detach: the vif by devid (its index) or MAC; the VM's vifs after.</summary>
    public Task<IReadOnlyList<VifInfo>> DetachVifAsync(string vm, string vif, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<VifInfo>>(HttpMethod.Delete, Routes.Path(Routes.VmVif, vm, vif), null, ct);

    /// <summary>Every port forward, or only <paramref name="vm"/>'s.</summary>
    public Task<IReadOnlyList<PortForwardInfo>> ListPortForwardsAsync(string? vm, CancellationToken ct) =>
        _c.SendAsync<IReadOnlyList<PortForwardInfo>>(HttpMethod.Get, vm is null ? Routes.PortForwards : Routes.Path(Routes.VmPortForwards, vm), null, ct);

    public Task<PortForwardInfo> AddPortForwardAsync(string vm, PortForwardRequest request, CancellationToken ct) =>
        _c.SendAsync<PortForwardInfo>(HttpMethod.Post, Routes.Path(Routes.VmPortForwards, vm), request, ct);

    /// <param name="protocol">tcp or udp.</param>
    public Task<PortForwardInfo> RemovePortForwardAsync(string vm, string protocol, int hostPort, CancellationToken ct) =>
        _c.SendAsync<PortForwardInfo>(HttpMethod.Delete, Routes.Path(Routes.VmPortForward, vm, protocol, hostPort.ToString(CultureInfo.InvariantCulture)), null, ct);

    /// <summary>Where `hospes ssh` logs in, with the key hospesd put into the guest.</summary>
    public Task<SshTarget> SshTargetAsync(string vm, CancellationToken ct) => _c.SendAsync<SshTarget>(HttpMethod.Get, Routes.Path(Routes.VmSsh, vm), null, ct);

    /// <summary>
    /// A WebSocket that is a TCP connection to <paramref name="port"/> of the guest, made by hospesd (binary frames both
    /// ways). A failure to reach the guest arrives as the close reason.
    /// </summary>
    public Task<ClientWebSocket> ConnectTcpAsync(string vm, int port, CancellationToken ct)
    {
        string path = Routes.Path(Routes.VmTcp, vm, port.ToString(CultureInfo.InvariantCulture));
        return _c.ConnectWebSocketAsync(path, $"cannot open {path}", ct);
    }
}
