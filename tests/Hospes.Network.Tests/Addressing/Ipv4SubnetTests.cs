using System.Net;
using Hospes.Network.Addressing;

namespace Hospes.Network.Tests.Addressing;

public class Ipv4SubnetTests
{
    private static IPAddress Ip(string s) => IPAddress.Parse(s);

    [Fact]
    public void Parse_GivesNetworkGatewayBroadcastAndNetmask()
    {
        Assert.True(Ipv4Subnet.TryParse("10.165.1.0/24", out Ipv4Subnet s, out string? error), error);
        Assert.Null(error);
        Assert.Equal(Ip("10.165.1.0"), s.Network);
        Assert.Equal(24, s.PrefixLength);
        Assert.Equal(Ip("10.165.1.1"), s.Gateway);
        Assert.Equal(Ip("10.165.1.255"), s.Broadcast);
        Assert.Equal(Ip("255.255.255.0"), s.Netmask);
        Assert.Equal("10.165.1.0/24", s.ToString());
    }

    [Theory]
    [InlineData("172.16.0.0/12", "172.31.255.255", "255.240.0.0")]
    [InlineData("10.0.0.0/8", "10.255.255.255", "255.0.0.0")]
    [InlineData("192.168.7.4/30", "192.168.7.7", "255.255.255.252")]
    public void Parse_OtherPrefixes(string cidr, string broadcast, string netmask)
    {
        Ipv4Subnet s = Ipv4Subnet.Parse(cidr);
        Assert.Equal(Ip(broadcast), s.Broadcast);
        Assert.Equal(Ip(netmask), s.Netmask);
        Assert.Equal(cidr, s.ToString());
    }

    [Theory]
    [InlineData("10.165.1.5/24", "host bits set; did you mean 10.165.1.0/24?")]
    [InlineData("172.16.5.0/12", "did you mean 172.16.0.0/12?")]
    [InlineData("10.165.1.0", "has no prefix length")]
    [InlineData("10.165.1.0/31", "leaves no address for a guest")]
    [InlineData("10.165.1.0/32", "use a prefix of 8 to 30")]
    [InlineData("10.0.0.0/7", "larger than any network needs")]
    [InlineData("10.0.0.0/33", "at most 32")]
    [InlineData("10.0.0.0/x", "'x' is not a prefix length")]
    [InlineData("10.1/16", "not an IPv4 address in dotted form")]
    [InlineData("10.01.0.0/16", "not an IPv4 address")]
    [InlineData("10.256.0.0/16", "not an IPv4 address")]
    [InlineData("fd00::/64", "IPv6")]
    [InlineData("", "empty")]
    public void Parse_Refuses_WithAReason(string cidr, string reason)
    {
        Assert.False(Ipv4Subnet.TryParse(cidr, out _, out string? error));
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TrimsSurroundingSpace()
    {
        Assert.Equal(Ipv4Subnet.Parse("10.1.0.0/16"), Ipv4Subnet.Parse(" 10.1.0.0/16 "));
    }

    [Fact]
    public void Contains_IsTheNetworkAndNothingElse()
    {
        Ipv4Subnet s = Ipv4Subnet.Parse("10.165.1.0/24");
        Assert.True(s.Contains(Ip("10.165.1.0")));
        Assert.True(s.Contains(Ip("10.165.1.255")));
        Assert.True(s.Contains(Ip("::ffff:10.165.1.7")));
        Assert.False(s.Contains(Ip("10.165.2.0")));
        Assert.False(s.Contains(Ip("10.165.0.255")));
        Assert.False(s.Contains(Ip("fd00::1")));
    }

    [Theory]
    [InlineData("10.165.1.0/24", "10.165.1.128/25", true)]
    [InlineData("10.165.1.0/24", "10.0.0.0/8", true)]
    [InlineData("10.165.1.0/24", "10.165.1.0/24", true)]
    [InlineData("10.165.1.0/24", "10.165.2.0/24", false)]
    [InlineData("10.165.0.0/23", "10.165.1.0/24", true)]
    [InlineData("192.168.0.0/30", "192.168.0.4/30", false)]
    public void Overlaps_IsSymmetric(string a, string b, bool overlaps)
    {
        Assert.Equal(overlaps, Ipv4Subnet.Parse(a).Overlaps(Ipv4Subnet.Parse(b)));
        Assert.Equal(overlaps, Ipv4Subnet.Parse(b).Overlaps(Ipv4Subnet.Parse(a)));
    }

    [Fact]
    public void Overlaps_TakesRoutesOfAnyPrefix()
    {
        Ipv4Subnet s = Ipv4Subnet.Parse("10.165.1.0/24");
        Assert.True(s.Overlaps(Ip("10.165.1.77"), 32));
        Assert.False(s.Overlaps(Ip("10.165.2.1"), 32));
        Assert.True(s.Overlaps(Ip("0.0.0.0"), 0));
        Assert.False(s.Overlaps(Ip("fd00::"), 8));
    }

    [Fact]
    public void IsUsableHost_ExcludesNetworkBroadcastAndGateway()
    {
        Ipv4Subnet s = Ipv4Subnet.Parse("10.165.1.0/24");
        Assert.False(s.IsUsableHost(Ip("10.165.1.0")));
        Assert.False(s.IsUsableHost(Ip("10.165.1.1")));
        Assert.True(s.IsUsableHost(Ip("10.165.1.2")));
        Assert.True(s.IsUsableHost(Ip("10.165.1.254")));
        Assert.False(s.IsUsableHost(Ip("10.165.1.255")));
        Assert.False(s.IsUsableHost(Ip("10.165.2.5")));
    }

    [Fact]
    public void FirstFree_IsTheLowestUntakenGuestAddress()
    {
        Ipv4Subnet s = Ipv4Subnet.Parse("10.165.1.0/24");
        Assert.Equal(Ip("10.165.1.2"), s.FirstFree([]));
        Assert.Equal(Ip("10.165.1.4"), s.FirstFree([Ip("10.165.1.2"), Ip("10.165.1.3"), Ip("10.165.1.5")]));
        Assert.Equal(Ip("10.165.1.2"), s.FirstFree([Ip("10.165.1.1"), Ip("10.99.0.2")]));
    }

    [Fact]
    public void FirstFree_IsNullWhenTheSubnetIsFull()
    {
        Ipv4Subnet s = Ipv4Subnet.Parse("192.168.7.4/30");
        Assert.Equal(Ip("192.168.7.6"), s.FirstFree([]));
        Assert.Null(s.FirstFree([Ip("192.168.7.6")]));
    }

    [Fact]
    public void FirstFree_OnALargeSubnetIsQuick()
    {
        Ipv4Subnet s = Ipv4Subnet.Parse("10.0.0.0/8");
        IPAddress[] taken = Enumerable.Range(2, 1000).Select(i => IPAddress.Parse($"10.0.{i / 256}.{i % 256}")).ToArray();
        Assert.Equal(Ip("10.0.3.234"), s.FirstFree(taken));
    }

    [Fact]
    public void Equality_IsByValue()
    {
        Assert.Equal(Ipv4Subnet.Parse("10.1.0.0/16"), Ipv4Subnet.Parse("10.1.0.0/16"));
        Assert.NotEqual(Ipv4Subnet.Parse("10.1.0.0/16"), Ipv4Subnet.Parse("10.1.0.0/17"));
    }
}
