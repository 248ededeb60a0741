using System.Net;
using Hospes.Network.Addressing;
using Hospes.Network.Firewall;

namespace Hospes.Network.Tests.Firewall;

public class NftRulesetTests
{
    private static readonly Ipv4Subnet Subnet = Ipv4Subnet.Parse("10.165.1.0/24");

    private static readonly PortForward[] Forwards =
    [
        new("udp", 5353, IPAddress.Parse("10.165.1.11"), 53),
        new("tcp", 2222, IPAddress.Parse("10.165.1.10"), 22),
    ];

    [Fact]
    public void Render_Nat_WithForwards()
    {
        string expected = """
            table ip hospes-lab {
            	# Hospes network on bridge hb-lab, subnet 10.165.1.0/24, mode nat
            	chain prerouting {
            		type nat hook prerouting priority dstnat; policy accept;
            		fib saddr type != local fib daddr type local tcp dport 2222 dnat to 10.165.1.10:22
            		fib saddr type != local fib daddr type local udp dport 5353 dnat to 10.165.1.11:53
            	}

            	chain postrouting {
            		type nat hook postrouting priority srcnat; policy accept;
            		ct status dnat oifname "hb-lab" ip saddr 10.165.1.0/24 masquerade
            		ip saddr 10.165.1.0/24 ip daddr != 10.165.1.0/24 masquerade
            	}

            	chain forward {
            		type filter hook forward priority filter; policy accept;
            		iifname "hb-lab" oifname "hb-lab" accept
            		oifname "hb-lab" ct status dnat accept
            		iifname "hb-lab" ct status dnat accept
            		iifname "hb-lab" ip saddr 10.165.1.0/24 accept
            		oifname "hb-lab" ct state established,related accept
            		iifname "hb-lab" drop
            		oifname "hb-lab" drop
            	}

            	chain input {
            		type filter hook input priority filter; policy accept;
            		iifname "hb-lab" ct state established,related accept
            		iifname "hb-lab" udp dport 67 accept
            		iifname "hb-lab" ip daddr 10.165.1.1 udp dport 53 accept
            		iifname "hb-lab" ip daddr 10.165.1.1 tcp dport 53 accept
            		iifname "hb-lab" ip daddr 10.165.1.1 icmp type echo-request accept
            		iifname "hb-lab" drop
            	}
            }

            table bridge hospes-lab {
            	# Hospes network on bridge hb-lab: each guest's tap sends only with its own MAC and address
            	chain prerouting {
            		type filter hook prerouting priority filter; policy accept;
            	}
            }

            """;
        Assert.Equal(expected, NftRuleset.Render(new NftNetwork("hospes-lab", "hb-lab", Subnet, NetworkMode.Nat, Forwards)));
    }

    [Fact]
    public void Render_Isolated_WithoutForwards()
    {
        string expected = """
            table ip hospes-lab {
            	# Hospes network on bridge hb-lab, subnet 10.165.1.0/24, mode isolated
            	chain prerouting {
            		type nat hook prerouting priority dstnat; policy accept;
            	}

            	chain postrouting {
            		type nat hook postrouting priority srcnat; policy accept;
            		ct status dnat oifname "hb-lab" ip saddr 10.165.1.0/24 masquerade
            	}

            	chain forward {
            		type filter hook forward priority filter; policy accept;
            		iifname "hb-lab" oifname "hb-lab" accept
            		oifname "hb-lab" ct status dnat accept
            		iifname "hb-lab" ct status dnat accept
            		iifname "hb-lab" drop
            		oifname "hb-lab" drop
            	}

            	chain input {
            		type filter hook input priority filter; policy accept;
            		iifname "hb-lab" ct state established,related accept
            		iifname "hb-lab" udp dport 67 accept
            		iifname "hb-lab" ip daddr 10.165.1.1 udp dport 53 accept
            		iifname "hb-lab" ip daddr 10.165.1.1 tcp dport 53 accept
            		iifname "hb-lab" ip daddr 10.165.1.1 icmp type echo-request accept
            		iifname "hb-lab" drop
            	}
            }

            table bridge hospes-lab {
            	# Hospes network on bridge hb-lab: each guest's tap sends only with its own MAC and address
            	chain prerouting {
            		type filter hook prerouting priority filter; policy accept;
            	}
            }

            """;
        Assert.Equal(expected, NftRuleset.Render(new NftNetwork("hospes-lab", "hb-lab", Subnet, NetworkMode.Isolated, [])));
    }

    [Fact]
    public void Render_Isolated_KeepsForwards()
    {
        string text = NftRuleset.Render(new NftNetwork("hospes-lab", "hb-lab", Subnet, NetworkMode.Isolated, Forwards));
        Assert.Contains("\t\tfib saddr type != local fib daddr type local tcp dport 2222 dnat to 10.165.1.10:22\n", text, StringComparison.Ordinal);
        Assert.Contains("\t\toifname \"hb-lab\" ct status dnat accept\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ip daddr != 10.165.1.0/24 masquerade", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public void Render_AForward_NeverTakesTheHostsOwnConnections(NetworkMode mode)
    {
        string text = NftRuleset.Render(new NftNetwork("hospes-lab", "hb-lab", Subnet, mode, Forwards));

        // No nat hook on output (where the host's own connections are translated), no loopback routed onto the bridge.
        Assert.DoesNotContain("hook output", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.0/8", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n').Where(l => l.Contains("dnat to", StringComparison.Ordinal)), l => Assert.Contains("fib saddr type != local ", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(NetworkMode.Nat)]
    [InlineData(NetworkMode.Isolated)]
    public void Render_GuestsReachOnlyDhcpDnsAndPingOnTheGateway_AndNoOtherHostService(NetworkMode mode)
    {
        string input = Section(NftRuleset.Render(new NftNetwork("hospes-lab", "hb-lab", Subnet, mode, Forwards)), "\tchain input {", "\t}");

        string[] accepts = [.. input.Split('\n').Where(l => l.EndsWith(" accept", StringComparison.Ordinal)).Select(l => l.Trim())];
        Assert.Equal(
            [
                "iifname \"hb-lab\" ct state established,related accept",
                "iifname \"hb-lab\" udp dport 67 accept",
                "iifname \"hb-lab\" ip daddr 10.165.1.1 udp dport 53 accept",
                "iifname \"hb-lab\" ip daddr 10.165.1.1 tcp dport 53 accept",
                "iifname \"hb-lab\" ip daddr 10.165.1.1 icmp type echo-request accept",
            ],
            accepts);
        Assert.EndsWith("\t\tiifname \"hb-lab\" drop\n\t}", input, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EachGuestTap_SendsOnlyWithItsOwnMacAndAddress()
    {
        var n = new NftNetwork("hospes-lab", "hb-lab", Subnet, NetworkMode.Nat, [])
        {
            Guests =
            [
                new("hs2222-0", "52:54:00:AA:00:02", IPAddress.Parse("10.165.1.11")),
                new("hs1111-0", "52:54:00:aa:00:01", IPAddress.Parse("10.165.1.10")),
            ],
        };
        string expected = """
            table bridge hospes-lab {
            	# Hospes network on bridge hb-lab: each guest's tap sends only with its own MAC and address
            	chain prerouting {
            		type filter hook prerouting priority filter; policy accept;
            		iifname "hs1111-0" jump guest_0
            		iifname "hs2222-0" jump guest_1
            	}

            	chain guest_0 {
            		ether saddr != 52:54:00:aa:00:01 drop
            		ether type != { ip, arp, 0x8035 } drop
            		arp hlen != 6 drop
            		arp plen != 4 drop
            		arp saddr ether != 52:54:00:aa:00:01 drop
            		arp saddr ip != { 0.0.0.0, 10.165.1.10 } drop
            		ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept
            		ip saddr != 10.165.1.10 drop
            	}

            	chain guest_1 {
            		ether saddr != 52:54:00:aa:00:02 drop
            		ether type != { ip, arp, 0x8035 } drop
            		arp hlen != 6 drop
            		arp plen != 4 drop
            		arp saddr ether != 52:54:00:aa:00:02 drop
            		arp saddr ip != { 0.0.0.0, 10.165.1.11 } drop
            		ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept
            		ip saddr != 10.165.1.11 drop
            	}
            }

            """;
        string text = NftRuleset.Render(n);
        Assert.Equal(expected, text[text.IndexOf("table bridge", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Render_GuestsWithBadTapsMacsOrAddresses_ListsEveryProblem()
    {
        var n = new NftNetwork("hospes-lab", "hb-lab", Subnet, NetworkMode.Nat, [])
        {
            Guests =
            [
                new("tap\"x", "52:54:00:aa:00:01", IPAddress.Parse("10.165.1.10")),
                new("hs1-0", "52:54:00:aa:00", IPAddress.Parse("10.165.1.11")),
                new("hs1-0", "52:54:00:aa:00:03", IPAddress.Parse("10.165.2.12")),
            ],
        };
        ArgumentException e = Assert.Throws<ArgumentException>(() => NftRuleset.Render(n));
        Assert.Contains("guest port tap\"x", e.Message, StringComparison.Ordinal);
        Assert.Contains("'52:54:00:aa:00' is not a MAC address", e.Message, StringComparison.Ordinal);
        Assert.Contains("tap hs1-0 appears twice", e.Message, StringComparison.Ordinal);
        Assert.Contains("10.165.2.12 is not a guest address of 10.165.1.0/24", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, n.Validate().Count);
    }

    [Fact]
    public void Render_ForwardOrder_DoesNotDependOnTheCallersOrder()
    {
        string a = NftRuleset.Render(new NftNetwork("t", "hb0", Subnet, NetworkMode.Nat, Forwards));
        string b = NftRuleset.Render(new NftNetwork("t", "hb0", Subnet, NetworkMode.Nat, Enumerable.Reverse(Forwards).ToArray()));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Render_AnInvalidNetwork_ListsEveryProblem()
    {
        var n = new NftNetwork(
            "1bad table",
            "bridge/with/slash",
            Subnet,
            NetworkMode.Nat,
            [
                new("sctp", 22, IPAddress.Parse("10.165.1.10"), 22),
                new("tcp", 0, IPAddress.Parse("10.165.1.10"), 70000),
                new("tcp", 80, IPAddress.Parse("10.165.2.10"), 80),
                new("tcp", 80, IPAddress.Parse("10.165.1.1"), 8080),
            ]);
        ArgumentException e = Assert.Throws<ArgumentException>(() => NftRuleset.Render(n));
        Assert.Contains("must start with a letter", e.Message, StringComparison.Ordinal);
        Assert.Contains("bridge: interface name 'bridge/with/slash'", e.Message, StringComparison.Ordinal);
        Assert.Contains("protocol must be tcp or udp", e.Message, StringComparison.Ordinal);
        Assert.Contains("ports must be 1 to 65535", e.Message, StringComparison.Ordinal);
        Assert.Contains("10.165.2.10 is not a guest address of 10.165.1.0/24", e.Message, StringComparison.Ordinal);
        Assert.Contains("10.165.1.1 is not a guest address", e.Message, StringComparison.Ordinal);
        Assert.Contains("tcp port 80 is forwarded twice", e.Message, StringComparison.Ordinal);
        Assert.Equal(7, n.Validate().Count);
    }

    [Theory]
    [InlineData("hospes-lab", true)]
    [InlineData("hospes_lab2", true)]
    [InlineData("h", true)]
    [InlineData("", false)]
    [InlineData("-lab", false)]
    [InlineData("lab.x", false)]
    [InlineData("lab x", false)]
    [InlineData("lab\"", false)]
    public void ValidateTableName(string table, bool valid)
    {
        Assert.Equal(valid, NftNetwork.ValidateTableName(table) is null);
    }

    [Fact]
    public void ReplaceScript_DeclaresDeletesAndRecreatesTheTable_InOneFile()
    {
        string script = Nft.ReplaceScript(new NftNetwork("hospes-lab", "hb0", Subnet, NetworkMode.Nat, []));
        Assert.StartsWith(
            "table ip hospes-lab {}\ndelete table ip hospes-lab\ntable bridge hospes-lab {}\ndelete table bridge hospes-lab\ntable ip hospes-lab {\n",
            script,
            StringComparison.Ordinal);
        Assert.Contains("\ntable bridge hospes-lab {\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseTables_KeepsTheIpFamily()
    {
        const string Json = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
             {"table": {"family": "ip", "name": "hospes-lab", "handle": 1}},
             {"table": {"family": "inet", "name": "filter", "handle": 2}},
             {"table": {"family": "ip", "name": "nat", "handle": 3}}]}
            """;
        Assert.Equal(["hospes-lab", "nat"], Nft.ParseTables(Json));
    }

    private static string Section(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        return text[from..(text.IndexOf(end, from, StringComparison.Ordinal) + end.Length)];
    }
}
