using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests.Reading;

public sealed class VifTests
{
    private static ConfigReadResult ReadVifs(params string[] vifs)
    {
        string list = string.Join(", ", vifs.Select(v => $"'{v}'"));
        return Configs.Read($"name = 'web'\nkernel = '/boot/vmlinuz'\nvif = [ {list} ]\n", Configs.Host(), path: "web.cfg");
    }

    [Fact]
    public void Read_FullVif_KeepsEveryHospesField()
    {
        ConfigReadResult result = ReadVifs("mac=00:16:3E:74:3d:76, ip=192.168.1.10, bridge=br0, model=e1000, vifname=web0");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            new VifSpec
            {
                Mac = "00:16:3e:74:3d:76",
                Ip = "192.168.1.10",
                Bridge = "br0",
                Model = "e1000",
                VifName = "web0",
                Source = "mac=00:16:3E:74:3d:76, ip=192.168.1.10, bridge=br0, model=e1000, vifname=web0",
            },
            Assert.Single(result.Spec!.Vifs));
    }

    [Fact]
    public void Read_EmptyVif_IsADefaultInterface()
    {
        ConfigReadResult result = ReadVifs("", "");

        Assert.Equal(2, result.Spec!.Vifs.Count);
        Assert.All(result.Spec.Vifs, v => Assert.Equal(new VifSpec { Source = "" }, v));
    }

    [Theory]
    [InlineData("virtio", "virtio-net")]
    [InlineData("virtio-net", "virtio-net")]
    [InlineData("e1000", "e1000")]
    [InlineData("rtl8139", "rtl8139")]
    public void Read_VifModel_IsMappedToQemuNames(string model, string expected)
    {
        Assert.Equal(expected, Assert.Single(ReadVifs($"model={model}").Spec!.Vifs).Model);
    }

    [Theory]
    [InlineData("mac=00:16:3e:12:34", "mac '00:16:3e:12:34' is not a MAC address; write six hex octets, e.g. mac=00:16:3e:12:34:56")]
    [InlineData("mac=00:16:3e:12:34:zz", "mac '00:16:3e:12:34:zz' is not a MAC address; write six hex octets, e.g. mac=00:16:3e:12:34:56")]
    [InlineData("mac=01:00:5e:00:00:01", "mac '01:00:5e:00:00:01' is a multicast address (the lowest bit of the first octet is set); a NIC needs a unicast one, e.g. 00:16:3e:12:34:56")]
    [InlineData("ip=10.0.0.300", "ip '10.0.0.300' is not an IPv4 address; write e.g. ip=192.168.1.10")]
    [InlineData("model=ne2k_pci", "model 'ne2k_pci' is not supported; use virtio-net, e1000 or rtl8139")]
    public void Read_BadVif_IsAnError(string text, string problem)
    {
        ConfigReadResult result = ReadVifs(text);

        Assert.Null(result.Spec);
        Assert.Equal([$"web.cfg:3:9: error: vif '{text}': {problem}"], result.Errors());
    }

    [Theory]
    [InlineData("script=vif-route", "'script=vif-route' is Xen-only, ignored")]
    [InlineData("rate=10Mb/s", "'rate=10Mb/s' is Xen-only, ignored")]
    [InlineData("backend=netdom", "'backend=netdom' is Xen-only, ignored")]
    [InlineData("gatewaydev=eth0", "'gatewaydev=eth0' is Xen-only, ignored")]
    [InlineData("mtu=9000", "'mtu=9000' is Xen-only, ignored")]
    [InlineData("colour=blue", "unknown parameter 'colour=blue', ignored; known ones are mac, ip, bridge, model and vifname")]
    public void Read_VifWithXenOnlyParameter_WarnsAndKeepsTheVif(string text, string warning)
    {
        ConfigReadResult result = ReadVifs(text);

        Assert.Single(result.Spec!.Vifs);
        Assert.Equal([$"web.cfg:3:9: warning: vif '{text}': {warning}"], result.Warnings());
    }

    [Theory]
    [InlineData("script=vif-bridge")]
    [InlineData("script=/etc/xen/scripts/vif-bridge")]
    [InlineData("script=vif-openvswitch")]
    [InlineData("type=ioemu")]
    [InlineData("type=vif")]
    [InlineData("devid=3")]
    [InlineData("backend=0")]
    [InlineData("trusted")]
    public void Read_VifParameterMeaninglessUnderQemu_GivesOnlyANote(string text)
    {
        ConfigReadResult result = ReadVifs("bridge=xenbr0," + text);

        Assert.Single(result.Spec!.Vifs);
        Assert.Empty(result.Warnings());
        Assert.Equal([$"vif 'bridge=xenbr0,{text}': '{text}' changes nothing under QEMU"], result.Messages().Select(m => m.Split(": Hospes")[0].Split(": the host")[0]));
    }

    [Fact]
    public void Read_SeveralIps_WarnsAndKeepsTheFirst()
    {
        ConfigReadResult result = ReadVifs("ip=10.0.0.1 10.0.0.2");

        Assert.Equal("10.0.0.1", Assert.Single(result.Spec!.Vifs).Ip);
        Assert.Equal(["vif 'ip=10.0.0.1 10.0.0.2': several addresses in ip='10.0.0.1 10.0.0.2'; only the first, 10.0.0.1, is used"], result.Messages());
    }

    [Fact]
    public void Read_DuplicateMac_IsAnError()
    {
        ConfigReadResult result = ReadVifs("mac=00:16:3e:00:00:01", "bridge=br1,mac=00:16:3E:00:00:01");

        Assert.Equal(
            ["vif 'bridge=br1,mac=00:16:3E:00:00:01': mac 00:16:3e:00:00:01 is already used by vif 'mac=00:16:3e:00:00:01'; give each interface its own MAC or leave mac out"],
            result.Messages());
        Assert.True(result.HasErrors);
    }
}
