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
    [InlineData("ip=10.0.0.300", "ip '10.0.0.300' is not an IP address; write e.g. ip=192.168.1.10 (several separated by spaces)")]
    [InlineData("model=tulip", "model 'tulip' is not supported; use virtio-net, e1000, e1000e, rtl8139, ne2k_pci or pcnet")]
    [InlineData("ip=10.0.0.1 fe80::zz", "ip 'fe80::zz' is not an IP address; write e.g. ip=192.168.1.10 (several separated by spaces)")]
    [InlineData("bridge=ovsbr0:42:43", "bridge 'ovsbr0:42:43' is an Open vSwitch bridge with a VLAN trunk (ovsbr0, VLANs 42,43); Hospes joins Linux bridges and Hospes networks only: make a Linux bridge (or a Hospes network) carrying those VLANs and name it in bridge=")]
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

    [Theory]
    [InlineData("ip=10.0.0.1 10.0.0.2", "10.0.0.1")]
    [InlineData("ip=10.0.0.1/24 192.168.5.1/24", "10.0.0.1")]
    [InlineData("ip=2001:db8::5 10.0.0.7", "10.0.0.7")]
    public void Read_SeveralIps_KeepsTheFirstIpv4AndSaysSo(string text, string ip)
    {
        ConfigReadResult result = ReadVifs(text);

        Assert.Equal(ip, Assert.Single(result.Spec!.Vifs).Ip);
        string warning = Assert.Single(result.Warnings());
        Assert.Contains($"Hospes gives the guest {ip} (the first IPv4 address) on its network", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ne2k_pci", "ne2k_pci")]
    [InlineData("ne2k-pci", "ne2k_pci")]
    [InlineData("pcnet", "pcnet")]
    [InlineData("e1000e", "e1000e")]
    public void Read_EmulatedNicModelsOfXen_AreAccepted(string model, string qemu)
    {
        ConfigReadResult result = ReadVifs("model=" + model);

        Assert.Equal(qemu, Assert.Single(result.Spec!.Vifs).Model);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Read_OpenVswitchBridgeWithVlanTag_IsRefusedClearly()
    {
        ConfigReadResult result = ReadVifs("bridge=ovsbr0.42,script=vif-openvswitch");

        Assert.Null(result.Spec);
        Assert.Equal(
            ["web.cfg:3:9: error: vif 'bridge=ovsbr0.42,script=vif-openvswitch': bridge 'ovsbr0.42' with script=vif-openvswitch is Open vSwitch bridge ovsbr0 tagged with VLAN 42; Hospes joins Linux bridges and Hospes networks only: make a Linux bridge (or a Hospes network) for VLAN 42 and name it in bridge="],
            result.Errors());
    }

    [Fact]
    public void Read_DottedBridgeWithoutOpenVswitch_IsALinuxBridgeName()
    {
        Assert.Equal("br0.42", Assert.Single(ReadVifs("bridge=br0.42").Spec!.Vifs).Bridge);
    }

    [Theory]
    [InlineData("builder = 'hvm'", "type=ioemu, bridge=xenbr0", "rtl8139")]
    [InlineData("type = 'hvm'", "bridge=xenbr0", "rtl8139")]
    [InlineData("type = 'hvm'", "type=ioemu, bridge=xenbr0, model=e1000", "e1000")]
    [InlineData("type = 'hvm'", "type=vif, bridge=xenbr0", "virtio-net")]
    [InlineData("type = 'pv'", "type=ioemu, bridge=xenbr0", "virtio-net")]
    public void Read_HvmNicWithoutModel_IsXensEmulatedRtl8139(string type, string vif, string model)
    {
        ConfigReadResult result = Configs.Read($"name = 'win'\nkernel = '/boot/vmlinuz'\n{type}\nvif = [ '{vif}' ]\n", Configs.Host(), path: "web.cfg");

        Assert.Equal(model, Assert.Single(result.Spec!.Vifs).Model);
        Assert.Empty(result.Warnings());
    }

    [Theory]
    [InlineData(false, "warning")]
    [InlineData(true, "error")]
    public void Read_VifOnAMissingBridge_IsReportedAsDefineRefusesIt(bool strict, string severity)
    {
        var host = new FakeHost { Networks = ["default", "br0"] }.With("/boot/vmlinuz");

        ConfigReadResult result = Configs.Read("name = 'web'\nkernel = '/boot/vmlinuz'\nvif = [ 'bridge=br0', 'bridge=nope' ]\n", host, strict, path: "web.cfg");

        ConfigDiagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal(
            $"web.cfg:3:23: {severity}: vif 'bridge=nope': there is no network or host bridge named 'nope'; `hospes network list` shows the networks, `hospes network create nope --subnet CIDR` makes one",
            d.ToString());
        Assert.True(d.HostDependent);
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
