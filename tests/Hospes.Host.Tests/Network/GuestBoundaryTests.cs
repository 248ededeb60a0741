using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Network.Firewall;

namespace Hospes.Host.Tests.Network;

/// <summary>
/// The walls between a guest and the rest as the network floor builds them: each tap's own MAC and address in the
/// network's rules, and forwards that cannot take ports the host or its kernel use.
/// </summary>
public sealed class GuestBoundaryTests
{
    [Fact]
    public async Task Prepare_PutsEveryTapOfTheNetworkIntoItsRules_WithItsOwnMacAndAddress_AndHostBridgeTapsNot()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Host.AddLink("br0");
        VmSpec web = floor.Define("web", vifs: [new VifSpec { Mac = "52:54:00:00:00:02" }, new VifSpec { Mac = "52:54:00:00:00:03", Bridge = "br0" }]).Record.Spec;
        VmSpec db = floor.Define("db", vifs: new VifSpec { Mac = "52:54:00:00:00:04" }).Record.Spec;

        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);

        Assert.Equal(
            [
                new NftGuest(NetworkService.TapName(db, 0), "52:54:00:00:00:04", IPAddress.Parse("10.254.0.3")),
                new NftGuest(NetworkService.TapName(web, 0), "52:54:00:00:00:02", IPAddress.Parse("10.254.0.2")),
            ],
            floor.Host.Tables["hospes_hospes0"]!.Guests.OrderBy(g => g.Ip.ToString(), StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Prepare_OfAVmNotYetListed_GivesItsTapItsRules_BeforeQemuMakesIt()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        floor.Vms.Remove(web.Uuid);

        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);

        Assert.Equal(NetworkService.TapName(web, 0), Assert.Single(floor.Host.Tables["hospes_hospes0"]!.Guests).Tap);
    }

    [Fact]
    public async Task ForgetVm_TakesItsTapOutOfTheRules()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        var web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        Assert.True((await floor.Networks.PrepareAsync(web.Record.Spec, CancellationToken.None)).IsOk);
        floor.Vms.Remove(web.Record.Uuid);

        await floor.Networks.ForgetVmAsync(web.Record.Spec, CancellationToken.None);

        Assert.Empty(floor.Host.Tables["hospes_hospes0"]!.Guests);
    }

    [Fact]
    public async Task AddForward_InTheKernelsEphemeralRange_IsRefused_NamingTheRange()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        floor.Host.Ephemeral = (40000, 50000);

        Result<VmForward> added = await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 40000, 22, null), CancellationToken.None);

        Assert.Equal(ErrorCode.InvalidArgument, added.Error!.Code);
        Assert.StartsWith("host port 40000 is in this host's ephemeral port range 40000-50000 (net.ipv4.ip_local_port_range)", added.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith("choose a host port outside 40000-50000", added.Error.Message, StringComparison.Ordinal);
        Assert.Empty(floor.Db.LoadPortForwards());
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 39999, 22, null), CancellationToken.None)).IsOk);
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("udp", 50001, 53, null), CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task AForward_WhosePortAHostProgramTookSince_IsLeftOutWhenItsNetworkComesUpAgain_AndBackOnceThePortIsFree()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 2222, 22, null), CancellationToken.None)).IsOk);
        Assert.Single(floor.Host.Tables["hospes_hospes0"]!.Forwards);

        // sshd started on 2222 while the forward stood; the network comes up again (a VM starts, or hospesd restarts).
        floor.Host.PortsInUse.Add("tcp/2222");
        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);
        Assert.Empty(floor.Host.Tables["hospes_hospes0"]!.Forwards);
        Assert.Single(floor.Db.LoadPortForwards()); // kept: it is the admin's to remove

        floor.Host.PortsInUse.Remove("tcp/2222");
        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);
        Assert.Single(floor.Host.Tables["hospes_hospes0"]!.Forwards);
    }

    [Fact]
    public async Task AForward_StoredInTheEphemeralRange_ByAnOlderHospesd_IsNeverInstalled()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        Assert.True(floor.Db.TryInsertPortForward(new PortForwardRecord { Vm = web.Uuid, Vif = 0, Protocol = "tcp", HostPort = 45000, GuestPort = 22 }));

        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);

        Assert.Empty(floor.Host.Tables["hospes_hospes0"]!.Forwards);
    }

    [Fact]
    public async Task Activation_TurnsOffRouteLocalnet_ThatForwardsToLoopbackOnceNeeded()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;

        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);

        Assert.Contains("sysctl net/ipv4/conf/hospes0/route_localnet=0", floor.Host.Calls);
    }
}
