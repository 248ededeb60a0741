using System.Net;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;
using Hospes.Network.Tests.Support;

namespace Hospes.Network.Tests.Firewall;

/// <summary>
/// Packets through the rendered rules, between namespaces: guests on the bridge, the host side, and an
/// "outside" that is reachable only through the host and has no route back to the guests. Needs root.
/// </summary>
[Trait("Requires", "root")]
public class TrafficNetnsTests
{
    private static readonly IPAddress Guest1 = IPAddress.Parse("10.165.1.10");
    private static readonly IPAddress Guest2 = IPAddress.Parse("10.165.1.11");
    private static readonly string Gateway = NetLab.Subnet.Gateway.ToString();
    private static readonly string Outside = NetLab.OutsideIp.ToString();
    private static readonly string HostOutside = NetLab.HostOutsideIp.ToString();

    private static Task ApplyAsync(NetLab lab, NetworkMode mode, params PortForward[] forwards) =>
        new Nft(lab.Host.Tools).ApplyAsync(new NftNetwork("hospes-lab", NetLab.Bridge, NetLab.Subnet, mode, forwards) { Guests = lab.Guests }, CancellationToken.None);

    [Fact]
    public async Task Nat_GuestReachesTheOutside_MasqueradedAsTheHost()
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest = await lab.AddGuestAsync("vg0", "52:54:00:aa:00:01", Guest1);
        await Tcp.ListenAsync(lab.Outside, 80, "outside");

        // Without the table the SYN gets out, but the outside has no route back to 10.165.1.10.
        Assert.Null(await Tcp.AskAsync(guest, Outside, 80));

        await ApplyAsync(lab, NetworkMode.Nat);
        Assert.Equal($"outside {HostOutside}", await Tcp.AskAsync(guest, Outside, 80));
        Assert.True(await Tcp.PingAsync(guest, Gateway));
    }

    [Fact]
    public async Task Nat_NothingComesIntoTheBridgeUnasked()
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest = await lab.AddGuestAsync("vg0", "52:54:00:aa:00:01", Guest1);
        await Tcp.ListenAsync(guest, 22, "guest");
        await lab.Outside.RunAsync("ip", "route", "add", NetLab.Subnet.ToString(), "via", HostOutside);
        Assert.Equal($"guest {Outside}", await Tcp.AskAsync(lab.Outside, Guest1.ToString(), 22)); // routed, no table: open

        await ApplyAsync(lab, NetworkMode.Nat);
        Assert.Null(await Tcp.AskAsync(lab.Outside, Guest1.ToString(), 22));
    }

    [Fact]
    public async Task Isolated_GuestsReachEachOtherAndTheGateway_AndNothingElse()
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest1 = await lab.AddGuestAsync("vg0", "52:54:00:aa:00:01", Guest1);
        Netns guest2 = await lab.AddGuestAsync("vg1", "52:54:00:aa:00:02", Guest2);
        await Tcp.ListenAsync(lab.Outside, 80, "outside");
        await Tcp.ListenAsync(lab.Host, 53, "dns", bind: Gateway);
        await Tcp.ListenAsync(guest2, 22, "guest2");

        // The same world in nat mode reaches the outside: what isolated mode blocks below is its own doing.
        await ApplyAsync(lab, NetworkMode.Nat);
        Assert.Equal($"outside {HostOutside}", await Tcp.AskAsync(guest1, Outside, 80));

        await ApplyAsync(lab, NetworkMode.Isolated);
        Assert.Null(await Tcp.AskAsync(guest1, Outside, 80));
        Assert.False(await Tcp.PingAsync(guest1, HostOutside)); // the host's other addresses
        Assert.Equal($"dns {Guest1}", await Tcp.AskAsync(guest1, Gateway, 53)); // DNS on the bridge's own address
        Assert.True(await Tcp.PingAsync(guest1, Gateway));
        Assert.Equal($"guest2 {Guest1}", await Tcp.AskAsync(guest1, Guest2.ToString(), 22));
        Assert.True(await Tcp.PingAsync(guest2, Guest1.ToString()));

        // The tables are IPv4 only: the bridge (which has carrier now) must offer no IPv6 address to get around them.
        Assert.Equal("", (await lab.Host.RunAsync("ip", "-6", "-o", "address", "show", "dev", NetLab.Bridge)).StandardOutput);
    }

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public async Task PortForward_ReachesTheGuest_FromOutsideAndFromGuests_ButNeverTakesTheHostsOwnConnections(NetworkMode mode)
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest1 = await lab.AddGuestAsync("vg0", "52:54:00:aa:00:01", Guest1);
        Netns guest2 = await lab.AddGuestAsync("vg1", "52:54:00:aa:00:02", Guest2);
        await Tcp.ListenAsync(guest1, 22, "guest1");
        await ApplyAsync(lab, mode, new PortForward("tcp", 2222, Guest1, 22));

        // From outside: the guest sees the real client.
        Assert.Equal($"guest1 {Outside}", await Tcp.AskAsync(lab.Outside, HostOutside, 2222));

        // From another guest through the host's address (hairpin): answered through the host, so masqueraded.
        Assert.Equal($"guest1 {Gateway}", await Tcp.AskAsync(guest2, Gateway, 2222));

        // The host's own clients, to its own address or to loopback, reach the host's own service on that port.
        Assert.Null(await Tcp.AskAsync(lab.Host, HostOutside, 2222));
        Assert.Null(await Tcp.AskAsync(lab.Host, "127.0.0.1", 2222));
        await Tcp.ListenAsync(lab.Host, 2222, "host");
        Assert.Equal("host 127.0.0.1", await Tcp.AskAsync(lab.Host, "127.0.0.1", 2222));
        Assert.Equal($"host {HostOutside}", await Tcp.AskAsync(lab.Host, HostOutside, 2222));

        // Other ports stay closed.
        Assert.Null(await Tcp.AskAsync(lab.Outside, HostOutside, 22));
    }

    [Fact]
    public async Task RouteLocalnet_DoesNotOpenTheHostsLoopbackToGuests()
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest = await lab.AddGuestAsync("vg0", "52:54:00:aa:00:01", Guest1);
        await Tcp.ListenAsync(lab.Host, 7000, "loopback-only", bind: "127.0.0.1");
        await lab.Links.SetSysctlAsync(Links.InterfaceSysctl(NetLab.Bridge, "route_localnet"), "1", CancellationToken.None);

        // A guest that sends 127.0.0.1 to the gateway's MAC: its own loopback routes removed, 127.0.0.1 via the gateway.
        await guest.RunAsync("sysctl", "-q", "-w", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.eth0.route_localnet=1");
        await guest.RunAsync("ip", "route", "del", "local", "127.0.0.1", "table", "local");
        await guest.RunAsync("ip", "route", "del", "local", "127.0.0.0/8", "table", "local");
        await guest.RunAsync("ip", "address", "del", "127.0.0.1/8", "dev", "lo");
        await guest.RunAsync("ip", "route", "add", "127.0.0.1/32", "via", Gateway, "dev", "eth0");
        Assert.Equal($"loopback-only {Guest1}", await Tcp.AskAsync(guest, "127.0.0.1", 7000)); // the hole, without the table

        foreach (NetworkMode mode in (NetworkMode[])[NetworkMode.Nat, NetworkMode.Isolated])
        {
            await ApplyAsync(lab, mode, new PortForward("tcp", 2222, Guest1, 22));
            Assert.Null(await Tcp.AskAsync(guest, "127.0.0.1", 7000));
        }
    }
}
