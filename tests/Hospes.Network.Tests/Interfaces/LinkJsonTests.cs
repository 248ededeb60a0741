using System.Net;
using Hospes.Network.Interfaces;

namespace Hospes.Network.Tests.Interfaces;

/// <summary>The JSON is what iproute2 6.1 printed in a namespace with a bridge, a tap, a route and a blackhole.</summary>
public class LinkJsonTests
{
    private const string LinksJson = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"link_type":"loopback","address":"00:00:00:00:00:00"},
         {"ifindex":2,"ifname":"hb0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"address":"02:11:22:33:44:55","linkinfo":{"info_kind":"bridge","info_data":{"forward_delay":0,"stp_state":0}},"ifalias":"hospes:net1"},
         {"ifindex":3,"ifname":"ht0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"master":"hb0","address":"72:73:b4:8d:7f:ad","linkinfo":{"info_kind":"tun","info_data":{"type":"tap","persist":true},"info_slave_kind":"bridge"},"ifalias":"vm one"},
         {"ifindex":4,"ifname":"ht1","flags":["BROADCAST","MULTICAST"],"address":"72:73:b4:8d:7f:ae","linkinfo":{"info_kind":"tun"}}]
        """;

    private const string RouteJson = """
        [{"dst":"10.50.0.0/16","gateway":"10.165.1.9","dev":"hb0","flags":["linkdown"]},
         {"type":"blackhole","dst":"10.60.0.0/24","flags":[]},
         {"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},
         {"dst":"198.51.100.7","gateway":"10.165.1.9","dev":"hb0","flags":[]},
         {"dst":"10.165.1.0/24","dev":"hb0","protocol":"kernel","scope":"link","prefsrc":"10.165.1.1","flags":["linkdown"]},
         {"type":"local","dst":"10.165.1.1","dev":"hb0","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.165.1.1","flags":[]},
         {"type":"broadcast","dst":"10.165.1.255","dev":"hb0","table":"local","protocol":"kernel","scope":"link","prefsrc":"10.165.1.1","flags":["linkdown"]},
         {"type":"local","dst":"127.0.0.0/8","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]}]
        """;

    private const string AddressJson = """
        [{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"}]},
         {"ifindex":2,"ifname":"hb0","addr_info":[{"family":"inet","local":"10.165.1.1","prefixlen":24,"broadcast":"10.165.1.255","scope":"global"}]},
         {"ifindex":5,"ifname":"eth9","addr_info":[{"family":"inet","local":"172.20.3.4","prefixlen":12,"scope":"global"}]}]
        """;

    [Fact]
    public void ParseLinks_ReadsKindMasterAliasStateAndMac()
    {
        IReadOnlyList<LinkInfo> links = LinkJson.ParseLinks(LinksJson);
        Assert.Equal(
            [
                new LinkInfo("lo", null, null, null, true, "00:00:00:00:00:00"),
                new LinkInfo("hb0", "bridge", null, "hospes:net1", true, "02:11:22:33:44:55"),
                new LinkInfo("ht0", "tun", "hb0", "vm one", true, "72:73:b4:8d:7f:ad"),
                new LinkInfo("ht1", "tun", null, null, false, "72:73:b4:8d:7f:ae"),
            ],
            links);
    }

    [Fact]
    public void ParseRoutes_SkipsTheDefaultRouteAndTheLocalTable()
    {
        Assert.Equal(
            [
                (IPAddress.Parse("10.50.0.0"), 16),
                (IPAddress.Parse("10.60.0.0"), 24),
                (IPAddress.Parse("198.51.100.7"), 32),
                (IPAddress.Parse("10.165.1.0"), 24),
            ],
            LinkJson.ParseRoutes(RouteJson));
    }

    [Fact]
    public void ParseAddressNetworks_GivesTheNetworkOfEachAddress()
    {
        Assert.Equal(
            [
                (IPAddress.Parse("127.0.0.0"), 8),
                (IPAddress.Parse("10.165.1.0"), 24),
                (IPAddress.Parse("172.16.0.0"), 12),
            ],
            LinkJson.ParseAddressNetworks(AddressJson));
    }

    [Fact]
    public void Parse_TakesTheEmptyOutputOfAnEmptyTable()
    {
        Assert.Empty(LinkJson.ParseRoutes(""));
        Assert.Empty(LinkJson.ParseLinks("[]"));
    }
}
