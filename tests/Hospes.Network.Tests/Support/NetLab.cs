using System.Net;
using Hospes.Network.Addressing;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;

namespace Hospes.Network.Tests.Support;

/// <summary>
/// A small world in namespaces: "host" (the side hospesd would run on: bridge hb0 with 10.165.1.1/24, IP
/// forwarding on, and a veth to "outside" as 203.0.113.1/24), "outside" (203.0.113.2, with no route back to
/// the guests, so a guest reaches it only masqueraded), and guests (a veth on the bridge each, as eth0).
/// </summary>
internal sealed class NetLab : IAsyncDisposable
{
    public const string Bridge = "hb0";
    public static readonly Ipv4Subnet Subnet = Ipv4Subnet.Parse("10.165.1.0/24");
    public static readonly IPAddress HostOutsideIp = IPAddress.Parse("203.0.113.1");
    public static readonly IPAddress OutsideIp = IPAddress.Parse("203.0.113.2");

    private readonly List<Netns> _namespaces = [];

    private NetLab(Netns host, Netns outside)
    {
        Host = host;
        Outside = outside;
        _namespaces.AddRange([host, outside]);
    }

    public Netns Host { get; }

    public Netns Outside { get; }

    public Links Links => new(Host.Tools);

    /// <summary>The guests added with an address, as the network's rules know them (port, MAC, address).</summary>
    public List<NftGuest> Guests { get; } = [];

    public static async Task<NetLab> CreateAsync()
    {
        Netns host = await Netns.CreateAsync();
        Netns outside;
        try
        {
            outside = await Netns.CreateAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        var lab = new NetLab(host, outside);
        try
        {
            await lab.Links.CreateBridgeAsync(Bridge, "hospes:lab", CancellationToken.None);
            await lab.Links.AddAddressAsync(Bridge, Subnet.Gateway, Subnet.PrefixLength, CancellationToken.None);
            await lab.Links.SetSysctlAsync("net.ipv4.ip_forward", "1", CancellationToken.None);
            await host.RunAsync("ip", "link", "add", "vo0", "type", "veth", "peer", "name", "eth0", "netns", outside.Name);
            await lab.Links.AddAddressAsync("vo0", HostOutsideIp, 24, CancellationToken.None);
            await host.RunAsync("ip", "link", "set", "vo0", "up");
            await outside.RunAsync("ip", "address", "add", $"{OutsideIp}/24", "dev", "eth0");
            await outside.RunAsync("ip", "link", "set", "eth0", "up");
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    /// <summary>
    /// A guest: a namespace whose eth0 (MAC <paramref name="mac"/>) is a veth on the bridge. With an address it
    /// is configured statically (default route via the gateway); without, it is left for DHCP.
    /// </summary>
    public async Task<Netns> AddGuestAsync(string port, string mac, IPAddress? ip = null)
    {
        Netns guest = await Netns.CreateAsync();
        _namespaces.Add(guest);
        await Host.RunAsync("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", guest.Name);
        await Host.RunAsync("ip", "link", "set", port, "master", Bridge, "up");
        await guest.RunAsync("ip", "link", "set", "eth0", "address", mac, "up");
        if (ip is not null)
        {
            await guest.RunAsync("ip", "address", "add", $"{ip}/{Subnet.PrefixLength}", "dev", "eth0");
            await guest.RunAsync("ip", "route", "add", "default", "via", Subnet.Gateway.ToString());
            Guests.Add(new NftGuest(port, mac, ip));
        }

        return guest;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Netns ns in _namespaces)
        {
            await ns.DisposeAsync();
        }
    }
}
