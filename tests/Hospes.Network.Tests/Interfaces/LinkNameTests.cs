using Hospes.Network.Interfaces;

namespace Hospes.Network.Tests.Interfaces;

public class LinkNameTests
{
    [Theory]
    [InlineData("hb0")]
    [InlineData("hb-net1")]
    [InlineData("ht_web.0")]
    [InlineData("abcdefghijklmno")]
    public void ValidateName_AcceptsLinuxNames(string name)
    {
        Assert.Null(Links.ValidateName(name));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("abcdefghijklmnop", "16 characters long; Linux allows at most 15")]
    [InlineData(".", "cannot be an interface name")]
    [InlineData("..", "cannot be an interface name")]
    [InlineData("all", "sysctl")]
    [InlineData("default", "sysctl")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("a:b", "contains ':'")]
    [InlineData("a b", "contains whitespace")]
    [InlineData("a\tb", "contains whitespace")]
    [InlineData("tap%d", "contains '%'")]
    [InlineData("br*", "contains '*'")]
    [InlineData("br\"x", "contains '\"'")]
    [InlineData("brü", "contains 'ü'")]
    public void ValidateName_RefusesWithAReason(string name, string reason)
    {
        string? error = Links.ValidateName(name);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void InterfaceSysctl_UsesSlashes_SoADottedNameStaysOneComponent()
    {
        Assert.Equal("net/ipv4/conf/hb.lab/route_localnet", Links.InterfaceSysctl("hb.lab", "route_localnet"));
    }

    [Fact]
    public void RandomLocalMac_IsUnicastAndLocallyAdministered()
    {
        for (int i = 0; i < 100; i++)
        {
            string mac = Links.RandomLocalMac();
            Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", mac);
            int first = Convert.ToInt32(mac[..2], 16);
            Assert.Equal(0x02, first & 0x03);
        }
    }
}
