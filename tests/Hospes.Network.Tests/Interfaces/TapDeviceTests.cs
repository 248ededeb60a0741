using Hospes.Network.Interfaces;
using Hospes.Network.Tools;

namespace Hospes.Network.Tests.Interfaces;

/// <summary>The tap hospesd makes for network-attach: the struct ifreq TUNSETIFF gets, and its refusals.</summary>
public sealed class TapDeviceTests
{
    [Fact]
    public void Ifreq_HoldsTheNameZeroTerminated_ThenTapNoPiVnetHdr()
    {
        byte[] ifreq = TapDevice.Ifreq("hs0123456789-1");

        Assert.Equal(40, ifreq.Length);
        Assert.Equal("hs0123456789-1"u8.ToArray(), ifreq[..14]);
        Assert.All(ifreq[14..16], b => Assert.Equal(0, b));

        // IFF_TAP 0x0002 | IFF_NO_PI 0x1000 | IFF_VNET_HDR 0x4000, little-endian short at offset 16.
        Assert.Equal(new byte[] { 0x02, 0x50 }, ifreq[16..18]);
        Assert.All(ifreq[18..], b => Assert.Equal(0, b));
        Assert.Equal(0x400454caU, TapDevice.TunSetIff);
    }

    [Theory]
    [InlineData("", "an interface needs a name")]
    [InlineData("abcdefghijklmnop", "an interface name has at most 15 characters")]
    [InlineData("a/b", "an interface name is ASCII without '/' or spaces")]
    [InlineData("a b", "an interface name is ASCII without '/' or spaces")]
    [InlineData("tä", "an interface name is ASCII without '/' or spaces")]
    public void Create_RefusesANameTheKernelWouldNot(string name, string problem)
    {
        NetToolException e = Assert.Throws<NetToolException>(() => TapDevice.Create(name));
        Assert.Equal($"tap '{name}': {problem}", e.Message);
    }

    [Fact]
    public void Create_WithoutTheTunDevice_SaysWhatIsMissing()
    {
        NetToolException e = Assert.Throws<NetToolException>(() => TapDevice.Create("hstest-0", "/nonexistent/tun"));
        Assert.StartsWith("tap 'hstest-0': cannot open /nonexistent/tun: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(errno 2); hospesd must run as root on a kernel with the tun module", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OnAFileThatIsNoTunDevice_ReportsTheIoctlsError()
    {
        string file = Path.GetTempFileName();
        try
        {
            NetToolException e = Assert.Throws<NetToolException>(() => TapDevice.Create("hstest-0", file));
            Assert.StartsWith("tap 'hstest-0': TUNSETIFF failed: ", e.Message, StringComparison.Ordinal);
            Assert.EndsWith("(errno 25)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
