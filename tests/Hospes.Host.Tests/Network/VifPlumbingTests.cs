using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.Tests.Machine;

namespace Hospes.Host.Tests.Network;

/// <summary>A VM's vifs at its start: the network comes up before QEMU, the taps QEMU made join their bridges after.</summary>
public sealed class VifPlumbingTests
{
    [Fact]
    public async Task Prepare_BringsTheNetworkUpInOrder_AndGivesQemuATapBackendPerVif()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        StubVm web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        VmSpec spec = web.Record.Spec;
        string tap = NetworkService.TapName(spec, 0);

        Result<IReadOnlyList<string>> backends = await floor.Networks.PrepareAsync(spec, CancellationToken.None);

        Assert.Equal([$"tap,ifname={tap},script=no,downscript=no"], backends.Value);
        Assert.Equal(
            [
                $"ip link add hospes0 type bridge alias {floor.AliasOf("default")}",
                "ip address replace 10.254.0.1/24 dev hospes0",
                "sysctl net.ipv4.ip_forward=1",
                "sysctl net/ipv4/conf/hospes0/route_localnet=0",
                "nft apply hospes_hospes0",
                "dnsmasq default (1 hosts)",
            ],
            floor.Host.Calls);
        var dhcp = floor.Host.Dhcp[floor.NetworkDir("default")].Spec!;
        Assert.Equal(("52:54:00:00:00:02", "10.254.0.2", "web"), (dhcp.Hosts[0].Mac, dhcp.Hosts[0].Ip.ToString(), dhcp.Hosts[0].Name));
        Assert.True(Directory.Exists(floor.NetworkDir("default")));
    }

    [Fact]
    public async Task Attach_PutsEachTapOnItsBridge_AfterQemuMadeThem()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Host.AddLink("br0");
        StubVm web = floor.Define("web", vifs: [new VifSpec { Mac = "52:54:00:00:00:02" }, new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "br0" }]);
        VmSpec spec = web.Record.Spec;
        Assert.True((await floor.Networks.PrepareAsync(spec, CancellationToken.None)).IsOk);
        floor.Host.ClearCalls();

        Result<bool> attached = await floor.Networks.AttachAsync(spec, CancellationToken.None);

        Assert.True(attached.IsOk);
        Assert.Equal([$"ip link set {NetworkService.TapName(spec, 0)} master hospes0 up", $"ip link set {NetworkService.TapName(spec, 1)} master br0 up"], floor.Host.Calls);
    }

    [Fact]
    public async Task Prepare_OfANetworkAlreadyUp_MakesNoSecondBridge_ButRenewsItsRulesAndLeases()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        VmSpec db = floor.Define("db", vifs: new VifSpec { Mac = "52:54:00:00:00:03" }).Record.Spec;
        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);
        floor.Host.ClearCalls();

        Assert.True((await floor.Networks.PrepareAsync(db, CancellationToken.None)).IsOk);

        Assert.DoesNotContain(floor.Host.Calls, c => c.StartsWith("ip link add", StringComparison.Ordinal));
        Assert.Equal(["sysctl net.ipv4.ip_forward=1", "sysctl net/ipv4/conf/hospes0/route_localnet=0", "nft apply hospes_hospes0", "dnsmasq default (2 hosts)"], floor.Host.Calls);
    }

    [Fact]
    public async Task Prepare_OfAVifOnAHostBridge_TouchesNothingOfTheHost()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Host.AddLink("br0");
        VmSpec spec = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "br0" }).Record.Spec;

        Assert.True((await floor.Networks.PrepareAsync(spec, CancellationToken.None)).IsOk);

        Assert.Empty(floor.Host.Calls);
        Assert.Null(spec.Vifs[0].Ip);
    }

    [Fact]
    public async Task Prepare_WhenTheBridgeCannotBeFinished_RefusesTheStart_AndTakesTheHalfMadeNetworkDown()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec spec = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        floor.Host.Fail("ip address replace", "RTNETLINK answers: Permission denied");

        Result<IReadOnlyList<string>> backends = await floor.Networks.PrepareAsync(spec, CancellationToken.None);

        Assert.Equal(
            "web cannot start: network 'default' cannot be brought up: 'ip address replace 10.254.0.1/24 dev hospes0' failed with exit code 2: RTNETLINK answers: Permission denied",
            backends.Error!.Message);
        Assert.Equal(ErrorCode.Unavailable, backends.Error.Code);
        Assert.Equal(["nft delete table hospes_hospes0", "ip link delete hospes0"], floor.Host.Calls.Skip(2));
        Assert.Empty(floor.Host.Links);
    }

    [Fact]
    public async Task Prepare_OfAVifWhoseNetworkIsGone_RefusesTheStart_NamingHowToMakeIt()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec spec = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec with { Vifs = [new VifSpec { Bridge = "lab" }] };

        Result<IReadOnlyList<string>> backends = await floor.Networks.PrepareAsync(spec, CancellationToken.None);

        Assert.StartsWith("web cannot start here: vif 'lab': there is no network or host bridge named 'lab'", backends.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(floor.Host.Calls);
    }

    [Fact]
    public async Task VifsOf_ShowsEachVifsNetworkBridgeAndTap_TheTapOnlyWhileTheVmRuns()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        StubVm web = floor.Define("web", pid: 4242, vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        web.Record = web.Record with { Spec = web.Record.Spec with { Vifs = [.. web.Record.Spec.Vifs, new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "gone0" }] } };
        string tap = NetworkService.TapName(web.Record.Spec, 0);
        floor.Host.AddLink(tap, kind: "tun", master: "hospes0");

        IReadOnlyList<VifStatus> vifs = floor.Networks.VifsOf("web").Value;

        Assert.Equal(new VifStatus(0, "52:54:00:00:00:02", "10.254.0.2", "virtio-net", "default", "hospes0", tap), vifs[0]);
        Assert.Equal(new VifStatus(1, "52:54:00:00:00:03", null, "virtio-net", null, "(missing: gone0)", null), vifs[1]);
        web.Pid = null;
        Assert.Null(floor.Networks.VifsOf("web").Value[0].Tap);
        Assert.Equal("no VM named 'nope' on this host; `hospes list` shows the VMs", floor.Networks.VifsOf("nope").Error!.Message);
    }
}
