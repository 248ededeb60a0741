using System.Net;
using Hospes.Network.Addressing;
using Hospes.Network.Interfaces;
using Hospes.Network.Tests.Support;
using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Interfaces;

/// <summary>Real bridges and taps, in a namespace of the test's own. Needs root.</summary>
[Trait("Requires", "root")]
public class LinksNetnsTests : IAsyncLifetime
{
    private Netns _ns = null!;

    private Links Links => new(_ns.Tools);

    public async Task InitializeAsync() => _ns = await Netns.CreateAsync();

    public async Task DisposeAsync() => await _ns.DisposeAsync();

    [Fact]
    public async Task ATapOnAHostBridgeWithoutAFixedMac_NeverBecomesTheBridgesMac()
    {
        // A host's br0 as admins make it: no address set, so the bridge takes the lowest MAC of its ports.
        CancellationToken ct = CancellationToken.None;
        await _ns.RunAsync("ip", "link", "add", "br0", "type", "bridge");
        await _ns.RunAsync("ip", "link", "add", "uplink0", "address", "fc:ff:ff:ff:ff:ff", "type", "veth", "peer", "name", "uplink1");
        await _ns.RunAsync("ip", "link", "set", "uplink0", "master", "br0", "up");
        string before = Single(await Links.ListAsync(ct), "br0").Mac!;
        Assert.Equal("fc:ff:ff:ff:ff:ff", before);

        for (int i = 0; i < 8; i++)
        {
            await Links.CreateTapAsync($"ht{i}", $"hospes:web{i}:0", "br0", ct);
        }

        IReadOnlyList<LinkInfo> links = await Links.ListAsync(ct);
        Assert.Equal(before, Single(links, "br0").Mac);
        Assert.All(links.Where(l => l.Name.StartsWith("ht", StringComparison.Ordinal)), t => Assert.StartsWith("fe:", t.Mac, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BridgeAndTaps_AreCreatedListedAndDeleted()
    {
        CancellationToken ct = CancellationToken.None;
        await Links.CreateBridgeAsync("hb0", "hospes:lab", ct);
        await Links.AddAddressAsync("hb0", IPAddress.Parse("10.165.1.1"), 24, ct);
        await Links.AddAddressAsync("hb0", IPAddress.Parse("10.165.1.1"), 24, ct); // again: not an error
        LinkInfo bridgeAlone = Single(await Links.ListAsync(ct), "hb0");

        await Links.CreateTapAsync("ht0", "hospes:web:0", "hb0", ct);
        await Links.CreateTapAsync("ht1", "hospes:db:0", "hb0", ct);
        IReadOnlyList<LinkInfo> links = await Links.ListAsync(ct);

        LinkInfo bridge = Single(links, "hb0");
        Assert.Equal("bridge", bridge.Kind);
        Assert.Equal("hospes:lab", bridge.Alias);
        Assert.True(bridge.IsUp);
        Assert.Null(bridge.Master);
        Assert.Equal(bridgeAlone.Mac, bridge.Mac); // the bridge did not take a tap's MAC
        Assert.Equal(0x02, Convert.ToInt32(bridge.Mac![..2], 16) & 0x03);

        LinkInfo tap = Single(links, "ht0");
        Assert.Equal(new LinkInfo("ht0", "tun", "hb0", "hospes:web:0", true, tap.Mac), tap);
        Assert.Equal(new LinkInfo("ht1", "tun", "hb0", "hospes:db:0", true, Single(links, "ht1").Mac), Single(links, "ht1"));

        string details = (await _ns.RunAsync("ip", "-d", "link", "show", "hb0")).StandardOutput;
        Assert.Contains("forward_delay 0", details, StringComparison.Ordinal);
        Assert.Contains("stp_state 0", details, StringComparison.Ordinal);
        string tapDetails = (await _ns.RunAsync("ip", "-d", "link", "show", "ht0")).StandardOutput;
        Assert.Contains("tun type tap", tapDetails, StringComparison.Ordinal);
        Assert.Contains("persist on", tapDetails, StringComparison.Ordinal);

        Assert.Contains((IPAddress.Parse("10.165.1.0"), 24), await Links.Ipv4NetworksInUseAsync(ct));
        Assert.Equal("1", await Links.GetSysctlAsync("net/ipv6/conf/hb0/disable_ipv6", ct));
        Assert.Equal("1", await Links.GetSysctlAsync("net/ipv6/conf/ht0/disable_ipv6", ct));

        await Links.DeleteAsync("ht0", ct);
        await Links.DeleteAsync("ht1", ct);
        await Links.DeleteAsync("hb0", ct);
        await Links.DeleteAsync("hb0", ct); // absent: not an error
        Assert.Equal(["lo"], (await Links.ListAsync(ct)).Select(l => l.Name));
        Assert.DoesNotContain((IPAddress.Parse("10.165.1.0"), 24), await Links.Ipv4NetworksInUseAsync(ct));
    }

    [Fact]
    public async Task CreateBridge_WhenTheNameIsTaken_FailsWithIpsWords()
    {
        await Links.CreateBridgeAsync("hb0", "first", CancellationToken.None);
        NetToolException e = await Assert.ThrowsAsync<NetToolException>(() => Links.CreateBridgeAsync("hb0", "second", CancellationToken.None));
        Assert.Contains("File exists", e.Message, StringComparison.Ordinal);
        Assert.Contains($"ip netns exec {_ns.Name} ip link add name hb0", e.Message, StringComparison.Ordinal);
        Assert.Equal("first", Single(await Links.ListAsync(CancellationToken.None), "hb0").Alias);
    }

    [Fact]
    public async Task CreateTap_OnAMissingBridge_LeavesNoTapBehind()
    {
        await Assert.ThrowsAsync<NetToolException>(() => Links.CreateTapAsync("ht0", "x", "nobridge", CancellationToken.None));
        Assert.DoesNotContain(await Links.ListAsync(CancellationToken.None), l => l.Name == "ht0");
    }

    [Fact]
    public async Task NetworksInUse_IncludeRoutesButNotTheDefaultRoute()
    {
        CancellationToken ct = CancellationToken.None;
        await Links.CreateBridgeAsync("hb0", "x", ct);
        await Links.AddAddressAsync("hb0", IPAddress.Parse("10.165.1.1"), 24, ct);
        await _ns.RunAsync("ip", "route", "add", "10.50.0.0/16", "via", "10.165.1.9");
        await _ns.RunAsync("ip", "route", "add", "default", "via", "10.165.1.9");
        IReadOnlyList<(IPAddress Network, int Prefix)> used = await Links.Ipv4NetworksInUseAsync(ct);
        Assert.Contains((IPAddress.Parse("10.50.0.0"), 16), used);
        Assert.Contains((IPAddress.Parse("127.0.0.0"), 8), used);
        Assert.DoesNotContain(used, u => u.Prefix == 0);
        Assert.Contains(used, u => Ipv4Subnet.Parse("10.50.3.0/24").Overlaps(u.Network, u.Prefix));
        Assert.DoesNotContain(used, u => Ipv4Subnet.Parse("10.166.0.0/24").Overlaps(u.Network, u.Prefix));
    }

    [Fact]
    public async Task SetSysctl_ActsOnTheNamespace_IncludingPerInterfaceKeys()
    {
        CancellationToken ct = CancellationToken.None;
        await Links.CreateBridgeAsync("hb.lab", "x", ct);
        await Links.SetSysctlAsync("net.ipv4.ip_forward", "1", ct);
        await Links.SetSysctlAsync(Links.InterfaceSysctl("hb.lab", "route_localnet"), "1", ct);
        Assert.Equal("1", await Links.GetSysctlAsync("net.ipv4.ip_forward", ct));
        Assert.Equal("1", await Links.GetSysctlAsync(Links.InterfaceSysctl("hb.lab", "route_localnet"), ct));

        // Nothing of it is in the host's own namespace (this process's /sys shows the host's interfaces).
        Assert.False(Directory.Exists("/sys/class/net/hb.lab"));
    }

    private static LinkInfo Single(IReadOnlyList<LinkInfo> links, string name) => Assert.Single(links, l => l.Name == name);
}
