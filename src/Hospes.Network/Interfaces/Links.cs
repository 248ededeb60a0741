using System.Globalization;
using System.Net;
using Hospes.Network.Tools;

namespace Hospes.Network.Interfaces;

/// <summary>Bridges, taps and addresses, through iproute2; sysctls through procps, so a netns prefix applies to both.</summary>
public sealed partial class Links(NetTools tools)
{
    public async Task<IReadOnlyList<LinkInfo>> ListAsync(CancellationToken ct)
    {
        ToolResult r = await tools.RunAsync("ip", ["-j", "-d", "link", "show"], ct).ConfigureAwait(false);
        return LinkJson.ParseLinks(r.StandardOutput);
    }

    /// <summary>
    /// A bridge with STP off and no forward delay (ports forward at once, so a guest's first DHCP request is
    /// not lost), a fixed MAC (otherwise the bridge takes the lowest MAC of its ports and changes it as taps
    /// come and go, which breaks guests' ARP caches), IPv6 off, <paramref name="alias"/> as its ifalias, up.
    /// </summary>
    public async Task CreateBridgeAsync(string name, string alias, CancellationToken ct)
    {
        ThrowIfInvalid(name);
        await tools.RunAsync(
            "ip",
            ["link", "add", "name", name, "address", RandomLocalMac(), "type", "bridge", "stp_state", "0", "forward_delay", "0"],
            ct).ConfigureAwait(false);
        await SetUpOrDeleteAsync(name, ["alias", alias, "up"], ct).ConfigureAwait(false);
    }

    /// <summary>Adds ADDRESS/PREFIX (the gateway's) with its broadcast address; an address already there is not an error.</summary>
    public Task AddAddressAsync(string link, IPAddress address, int prefixLength, CancellationToken ct) =>
        tools.RunAsync(
            "ip",
            ["address", "replace", $"{address}/{prefixLength.ToString(CultureInfo.InvariantCulture)}", "broadcast", "+", "dev", link],
            ct);

    /// <summary>
    /// A persistent tap on <paramref name="bridge"/>, IPv6 off, up. QEMU opens it later with
    /// <c>-netdev tap,ifname=NAME,script=no,downscript=no</c>; until then it has no carrier. Its own (host side)
    /// MAC starts with fe, as libvirt's and Xen's do: a bridge without a fixed MAC (a host's br0) takes the lowest
    /// of its ports', and a tap with a lower one would change the bridge's MAC under its peers' ARP caches, which
    /// stalls the host's own traffic over that bridge for as long as they hold the old one.
    /// </summary>
    public async Task CreateTapAsync(string name, string alias, string bridge, CancellationToken ct)
    {
        ThrowIfInvalid(name);
        await tools.RunAsync("ip", ["tuntap", "add", "dev", name, "mode", "tap"], ct).ConfigureAwait(false);
        await SetUpOrDeleteAsync(name, ["address", TapMac(), "alias", alias, "master", bridge, "up"], ct).ConfigureAwait(false);
    }

    /// <summary>Puts an existing link (a tap QEMU made) on <paramref name="bridge"/> and brings it up.</summary>
    public Task AttachAsync(string link, string bridge, CancellationToken ct) =>
        tools.RunAsync("ip", ["link", "set", "dev", link, "master", bridge, "up"], ct);

    /// <summary>Deletes a bridge, tap or veth; a link that does not exist is not an error.</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        ToolResult r = await tools.TryRunAsync("ip", ["link", "delete", "dev", name], ct).ConfigureAwait(false);
        if (!r.StandardError.Contains("Cannot find device", StringComparison.Ordinal))
        {
            r.EnsureSuccess();
        }
    }

    /// <summary>
    /// Every IPv4 network this namespace already routes or has an address in (the default route aside):
    /// what a new network's subnet must not overlap.
    /// </summary>
    public async Task<IReadOnlyList<(IPAddress Network, int Prefix)>> Ipv4NetworksInUseAsync(CancellationToken ct)
    {
        ToolResult routes = await tools.RunAsync("ip", ["-j", "-4", "route", "show", "table", "all"], ct).ConfigureAwait(false);
        ToolResult addresses = await tools.RunAsync("ip", ["-j", "-4", "address", "show"], ct).ConfigureAwait(false);
        return LinkJson.ParseRoutes(routes.StandardOutput)
            .Concat(LinkJson.ParseAddressNetworks(addresses.StandardOutput))
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// <c>sysctl -w KEY=VALUE</c>, e.g. <c>net.ipv4.ip_forward</c>. For per-interface keys use
    /// <see cref="InterfaceSysctl"/>: an interface name may contain a dot.
    /// </summary>
    public Task SetSysctlAsync(string key, string value, CancellationToken ct) =>
        tools.RunAsync("sysctl", ["-q", "-w", $"{key}={value}"], ct);

    public async Task<string> GetSysctlAsync(string key, CancellationToken ct)
    {
        ToolResult r = await tools.RunAsync("sysctl", ["-n", key], ct).ConfigureAwait(false);
        return r.StandardOutput.Trim();
    }

    /// <summary>
    /// Hospes networks are IPv4 and the nftables tables are of the ip family, so IPv6 would pass them: with a
    /// link-local address on the bridge, a guest of an isolated network could reach the host's services over
    /// IPv6. Set before the link goes up, so no address is ever made. A host without IPv6 has nothing to turn off.
    /// </summary>
    private async Task DisableIpv6Async(string name, CancellationToken ct)
    {
        ToolResult r = await tools.TryRunAsync("sysctl", ["-q", "-w", $"net/ipv6/conf/{name}/disable_ipv6=1"], ct).ConfigureAwait(false);
        if (r.ExitCode != 0 && Directory.Exists("/proc/sys/net/ipv6"))
        {
            r.EnsureSuccess();
        }
    }

    /// <summary>Finishes a link just made; if that fails the half-made link is removed, so a retry can start over.</summary>
    private async Task SetUpOrDeleteAsync(string name, string[] settings, CancellationToken ct)
    {
        try
        {
            await DisableIpv6Async(name, ct).ConfigureAwait(false);
            await tools.RunAsync("ip", ["link", "set", "dev", name, .. settings], ct).ConfigureAwait(false);
        }
        catch (NetToolException)
        {
            await DeleteAsync(name, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
