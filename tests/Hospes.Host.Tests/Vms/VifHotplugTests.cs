using System.Text.Json.Nodes;
using Hospes.Core.Vms;
using Hospes.Host.Vms.Nics;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Tests.Vms;

/// <summary>network-attach's QMP arguments and network-detach's choice of vif.</summary>
public sealed class VifHotplugTests
{
    private static readonly VifSpec[] Vifs =
    [
        new() { Mac = "52:54:00:00:00:01", Bridge = "default" },
        new() { Mac = "52:54:00:00:00:02", Bridge = "lab0", Model = "e1000" },
    ];

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("2", -1)]
    [InlineData("-1", -1)]
    [InlineData("52:54:00:00:00:02", 1)]
    [InlineData("52:54:00:00:00:0A", -1)]
    [InlineData(" 52:54:00:00:00:01 ", 0)]
    public void Detach_FindsTheVifByDevidOrMac(string which, int index) => Assert.Equal(index, NetworkDetachCommand.Find(Vifs, which));

    [Fact]
    public void Attach_PlugsTheModelsPciNic_OnThePort_WithItsMac()
    {
        JsonObject virtio = NetworkAttachCommand.Device(Vifs[0], 2, "hp1");
        JsonObject e1000 = NetworkAttachCommand.Device(Vifs[1], 3, null);

        Assert.Equal("""{"driver":"virtio-net-pci","id":"vif2","netdev":"net2","mac":"52:54:00:00:00:01","bus":"hp1"}""", virtio.ToJsonString());
        Assert.Equal("""{"driver":"e1000","id":"vif3","netdev":"net3","mac":"52:54:00:00:00:02"}""", e1000.ToJsonString());
    }

    [Fact]
    public void Attach_TheBackendIsATapOnThePassedDescriptor()
    {
        Assert.Equal("net2-tap", NetworkAttachCommand.FdName(2));
        Assert.Equal("""{"type":"tap","id":"net2","fd":"net2-tap"}""", QmpNetdevs.TapNetdev("net2", NetworkAttachCommand.FdName(2)).ToJsonString());
    }
}
