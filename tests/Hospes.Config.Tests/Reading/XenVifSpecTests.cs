using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

/// <summary>network-attach's argument, read as a config's vif entry.</summary>
public sealed class XenVifSpecTests
{
    [Fact]
    public void ReadVif_KeepsEveryField_AndTheEntryAsSource()
    {
        (VifSpec? vif, IReadOnlyList<string> errors, _) = XenDeviceReader.ReadVif(" bridge=lab0,mac=52:54:00:AA:bb:01,ip=10.0.0.9,model=e1000,vifname=web1 ");

        Assert.Empty(errors);
        Assert.Equal(
            new VifSpec { Bridge = "lab0", Mac = "52:54:00:aa:bb:01", Ip = "10.0.0.9", Model = "e1000", VifName = "web1", Source = "bridge=lab0,mac=52:54:00:AA:bb:01,ip=10.0.0.9,model=e1000,vifname=web1" },
            vif);
    }

    [Fact]
    public void ReadVif_WithoutModel_IsAVirtioNic()
    {
        (VifSpec? vif, _, _) = XenDeviceReader.ReadVif("bridge=lab0");
        Assert.Equal("virtio-net", vif!.Model);
    }

    [Theory]
    [InlineData("bridge=lab0,mac=nonsense", "vif 'bridge=lab0,mac=nonsense': ")]
    [InlineData("bridge=lab0,ip=10.0.0", "vif 'bridge=lab0,ip=10.0.0': ")]
    [InlineData("bridge='lab0'", "vif 'bridge='lab0'': quotes and line breaks cannot be part of a vif spec")]
    public void ReadVif_Bad_IsRefusedNamingTheSpec(string spec, string start)
    {
        (VifSpec? vif, IReadOnlyList<string> errors, _) = XenDeviceReader.ReadVif(spec);

        Assert.Null(vif);
        Assert.StartsWith(start, errors[0], StringComparison.Ordinal);
    }
}
