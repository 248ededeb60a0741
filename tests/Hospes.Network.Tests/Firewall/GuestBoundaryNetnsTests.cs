using System.Net;
using Hospes.Network.Firewall;
using Hospes.Network.Tests.Support;

namespace Hospes.Network.Tests.Firewall;

/// <summary>
/// What a hostile guest on a network may do to the host and to the other guests, packets through the rendered rules
/// between namespaces (see <see cref="NetLab"/>). Needs root.
/// </summary>
[Trait("Requires", "root")]
public class GuestBoundaryNetnsTests
{
    private const string Mac1 = "52:54:00:aa:00:01";
    private const string Mac2 = "52:54:00:aa:00:02";
    private static readonly IPAddress Guest1 = IPAddress.Parse("10.165.1.10");
    private static readonly IPAddress Guest2 = IPAddress.Parse("10.165.1.11");
    private static readonly IPAddress Guest3 = IPAddress.Parse("10.165.1.12");
    private static readonly string Gateway = NetLab.Subnet.Gateway.ToString();
    private static readonly string HostOutside = NetLab.HostOutsideIp.ToString();

    private static Task ApplyAsync(NetLab lab, NetworkMode mode) =>
        new Nft(lab.Host.Tools).ApplyAsync(new NftNetwork("hospes-lab", NetLab.Bridge, NetLab.Subnet, mode, []) { Guests = lab.Guests }, CancellationToken.None);

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public async Task AGuest_ReachesNoServiceOfTheHost_ButDnsAndPingOnItsGateway(NetworkMode mode)
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest = await lab.AddGuestAsync("vg0", Mac1, Guest1);
        await Tcp.ListenAsync(lab.Host, 8080, "host");
        await Tcp.ListenAsync(lab.Host, 53, "dns", bind: Gateway);
        Assert.Equal($"host {Guest1}", await Tcp.AskAsync(guest, HostOutside, 8080)); // open without the table

        await ApplyAsync(lab, mode);

        Assert.Null(await Tcp.AskAsync(guest, HostOutside, 8080)); // another address of the host
        Assert.Null(await Tcp.AskAsync(guest, Gateway, 8080)); // the gateway itself, another port
        Assert.False(await Tcp.PingAsync(guest, HostOutside));
        Assert.Equal($"dns {Guest1}", await Tcp.AskAsync(guest, Gateway, 53));
        Assert.True(await Tcp.PingAsync(guest, Gateway));
    }

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public async Task AGuest_WithAnotherGuestsAddressOrMac_CannotSendAsIt(NetworkMode mode)
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns attacker = await lab.AddGuestAsync("vg0", Mac1, Guest1);
        Netns victim = await lab.AddGuestAsync("vg1", Mac2, Guest2);
        Netns server = await lab.AddGuestAsync("vg2", "52:54:00:aa:00:03", Guest3);
        await Tcp.ListenAsync(server, 22, "server");
        await ApplyAsync(lab, mode);
        Assert.Equal($"server {Guest1}", await Tcp.AskAsync(attacker, Guest3.ToString(), 22));

        // The victim's address on the attacker's own MAC: its packets and its ARP claim go nowhere.
        Assert.True(await Tcp.PingAsync(lab.Host, Guest2.ToString()));
        await attacker.RunAsync("ip", "address", "flush", "dev", "eth0");
        await attacker.RunAsync("ip", "address", "add", $"{Guest2}/24", "dev", "eth0");
        Assert.Null(await Tcp.AskAsync(attacker, Guest3.ToString(), 22));
        await attacker.TryRunAsync("busybox", "arping", "-c", "1", "-w", "1", "-I", "eth0", "-s", Guest2.ToString(), Gateway);
        Assert.Contains(Mac2, (await lab.Host.RunAsync("ip", "neigh", "show", Guest2.ToString(), "dev", NetLab.Bridge)).StandardOutput, StringComparison.Ordinal);
        Assert.Equal($"server {Guest2}", await Tcp.AskAsync(victim, Guest3.ToString(), 22)); // the victim is untouched

        // The victim's MAC with the attacker's own address: dropped as well.
        await attacker.RunAsync("ip", "address", "flush", "dev", "eth0");
        await attacker.RunAsync("ip", "link", "set", "eth0", "address", Mac2);
        await attacker.RunAsync("ip", "address", "add", $"{Guest1}/24", "dev", "eth0");
        Assert.Null(await Tcp.AskAsync(attacker, Guest3.ToString(), 22));

        // Its own MAC and address again: it talks as itself.
        await attacker.RunAsync("ip", "link", "set", "eth0", "address", Mac1);
        Assert.Equal($"server {Guest1}", await Tcp.AskAsync(attacker, Guest3.ToString(), 22));
    }

    [Fact]
    public async Task AGuest_MaySendIpv4ArpAndRarp_ButNoIpv6()
    {
        await using NetLab lab = await NetLab.CreateAsync();
        Netns guest1 = await lab.AddGuestAsync("vg0", Mac1, Guest1);
        Netns guest2 = await lab.AddGuestAsync("vg1", Mac2, Guest2);
        foreach ((Netns g, string a) in new[] { (guest1, "fd00::1"), (guest2, "fd00::2") })
        {
            await g.RunAsync("sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=0");
            await g.RunAsync("ip", "-6", "address", "add", $"{a}/64", "dev", "eth0", "nodad");
        }

        Assert.True(await Tcp.PingAsync(guest1, "fd00::2")); // IPv6 crosses the bridge without the table

        await ApplyAsync(lab, NetworkMode.Nat);

        Assert.False(await Tcp.PingAsync(guest1, "fd00::2"));
        Assert.True(await Tcp.PingAsync(guest1, Guest2.ToString()));
    }
}
