using System.Net;
using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;

namespace Hospes.Network.Tests.Dhcp;

public class DnsmasqConfigTests
{
    private static readonly Ipv4Subnet Subnet = Ipv4Subnet.Parse("10.165.1.0/24");

    private static readonly DhcpHost[] Hosts =
    [
        new("52:54:00:00:00:0b", IPAddress.Parse("10.165.1.11"), "db"),
        new("52:54:00:00:00:0A", IPAddress.Parse("10.165.1.10"), "web"),
        new("52:54:00:00:00:0c", IPAddress.Parse("10.165.1.12"), "under_score"),
    ];

    private static DnsmasqSpec Spec(NetworkMode mode) =>
        new("lab", "hb-lab", Subnet, mode, "/var/lib/hospes/networks/lab", Hosts);

    [Fact]
    public void Render_Nat()
    {
        string expected = """
            # Hospes network lab (nat): written by hospesd, changes are overwritten
            interface=hb-lab
            bind-interfaces
            except-interface=lo
            no-hosts
            domain=lab
            local=/lab/
            domain-needed
            # upstream DNS: the host's resolv.conf
            dhcp-range=10.165.1.0,static,255.255.255.0,1h
            dhcp-option=option:router,10.165.1.1
            dhcp-authoritative
            dhcp-ignore-names
            dhcp-hostsfile=/var/lib/hospes/networks/lab/dhcp-hosts
            addn-hosts=/var/lib/hospes/networks/lab/dns-hosts
            dhcp-leasefile=/var/lib/hospes/networks/lab/dnsmasq.leases
            pid-file=/var/lib/hospes/networks/lab/dnsmasq.pid
            log-facility=/var/lib/hospes/networks/lab/dnsmasq.log

            """;
        Assert.Equal(expected, DnsmasqConfig.Render(Spec(NetworkMode.Nat)));
    }

    [Fact]
    public void Render_Isolated_HasNoUpstreamDnsAndNoRouter()
    {
        string text = DnsmasqConfig.Render(Spec(NetworkMode.Isolated));
        Assert.Contains("\nno-resolv\n", text, StringComparison.Ordinal);
        Assert.Contains("\ndhcp-option=option:router\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("10.165.1.1", text, StringComparison.Ordinal);
        Assert.StartsWith("# Hospes network lab (isolated)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithAUser_TellsDnsmasqWhomToDropTo()
    {
        Assert.EndsWith("log-facility=/var/lib/hospes/networks/lab/dnsmasq.log\nuser=root\n", DnsmasqConfig.Render(Spec(NetworkMode.Nat) with { User = "root" }), StringComparison.Ordinal);
        Assert.Contains("dnsmasq user 'no body' is not a user name", Assert.Single((Spec(NetworkMode.Nat) with { User = "no body" }).Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void RenderDhcpHosts_SortsByAddress_AndLeavesOutNamesThatAreNotDnsLabels()
    {
        Assert.Equal(
            "52:54:00:00:00:0a,10.165.1.10,web\n52:54:00:00:00:0b,10.165.1.11,db\n52:54:00:00:00:0c,10.165.1.12\n",
            DnsmasqConfig.RenderDhcpHosts(Hosts));
    }

    [Fact]
    public void RenderDnsHosts_GivesTheFullAndTheShortName()
    {
        Assert.Equal(
            "10.165.1.10 web.lab web\n10.165.1.11 db.lab db\n",
            DnsmasqConfig.RenderDnsHosts(Hosts, "lab"));
    }

    [Fact]
    public void RenderHosts_OfNoHosts_IsEmpty()
    {
        Assert.Equal("", DnsmasqConfig.RenderDhcpHosts([]));
        Assert.Equal("", DnsmasqConfig.RenderDnsHosts([], "lab"));
    }

    [Fact]
    public void Render_AnInvalidSpec_ListsEveryProblem()
    {
        var spec = new DnsmasqSpec(
            "my_net",
            "bad bridge",
            Subnet,
            NetworkMode.Nat,
            "relative/dir",
            [
                new("52:54:00:00:00:01", IPAddress.Parse("10.165.1.10"), "a"),
                new("52:54:00:00:00:01", IPAddress.Parse("10.165.1.10"), "b"),
                new("52-54-00-00-00-02", IPAddress.Parse("10.165.1.1"), "c"),
            ]);
        ArgumentException e = Assert.Throws<ArgumentException>(() => DnsmasqConfig.Render(spec));
        Assert.Contains("network name 'my_net' cannot be a DNS domain", e.Message, StringComparison.Ordinal);
        Assert.Contains("bridge: interface name 'bad bridge' contains whitespace", e.Message, StringComparison.Ordinal);
        Assert.Contains("'relative/dir' is not an absolute path", e.Message, StringComparison.Ordinal);
        Assert.Contains("host 'b': MAC 52:54:00:00:00:01 is reserved twice", e.Message, StringComparison.Ordinal);
        Assert.Contains("host 'b': address 10.165.1.10 is reserved twice", e.Message, StringComparison.Ordinal);
        Assert.Contains("host 'c': '52-54-00-00-00-02' is not a MAC address", e.Message, StringComparison.Ordinal);
        Assert.Contains("host 'c': 10.165.1.1 is not a guest address of 10.165.1.0/24", e.Message, StringComparison.Ordinal);
        Assert.Equal(7, spec.Validate().Count);
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1", true)]
    [InlineData("9lives", true)]
    [InlineData("", false)]
    [InlineData("-web", false)]
    [InlineData("web-", false)]
    [InlineData("web.prod", false)]
    [InlineData("web_1", false)]
    public void IsDnsLabel(string name, bool label)
    {
        Assert.Equal(label, DnsmasqConfig.IsDnsLabel(name));
    }

    [Fact]
    public void Paths_AllLiveInTheDirectory()
    {
        var p = new DnsmasqPaths("/d");
        Assert.Equal(
            ["/d/dnsmasq.conf", "/d/dhcp-hosts", "/d/dns-hosts", "/d/dnsmasq.leases", "/d/dnsmasq.pid", "/d/dnsmasq.log"],
            [p.Config, p.DhcpHosts, p.DnsHosts, p.Leases, p.PidFile, p.Log]);
    }

    [Fact]
    public void Paths_WithAHostsDirectory_PutOnlyTheHostsFilesThere()
    {
        var p = new DnsmasqPaths("/state/net", "/run/dnsmasq/net");
        Assert.Equal(
            ["/state/net/dnsmasq.conf", "/run/dnsmasq/net/dhcp-hosts", "/run/dnsmasq/net/dns-hosts", "/state/net/dnsmasq.leases", "/state/net/dnsmasq.pid", "/state/net/dnsmasq.log"],
            [p.Config, p.DhcpHosts, p.DnsHosts, p.Leases, p.PidFile, p.Log]);
    }
}
