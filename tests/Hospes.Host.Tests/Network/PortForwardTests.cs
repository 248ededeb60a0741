using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Network.Firewall;

namespace Hospes.Host.Tests.Network;

/// <summary>Port forwards: which are refused, and what reaches the network's rules.</summary>
public sealed class PortForwardTests
{
    [Fact]
    public async Task Add_OnAnActiveNetwork_PutsTheForwardIntoItsRules()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);

        Result<VmForward> added = await floor.Networks.AddForwardAsync("web", new ForwardSpec("TCP", 2222, 22, null), CancellationToken.None);

        Assert.Equal(new VmForward("web", "tcp", 2222, 22, "10.254.0.2", "default"), added.Value);
        PortForward rule = Assert.Single(floor.Host.Tables["hospes_hospes0"]!.Forwards);
        Assert.Equal(("tcp", 2222, "10.254.0.2", 22), (rule.Protocol, rule.HostPort, rule.GuestIp.ToString(), rule.GuestPort));
        Assert.Equal([added.Value], floor.Networks.ForwardsOf("web").Value);
        Assert.Equal([added.Value], floor.Networks.ForwardsOf(null).Value);
    }

    [Fact]
    public async Task Add_OnAPortAProgramOfTheHostHolds_IsRefused_AndNothingIsStored()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        floor.Host.PortsInUse.Add("tcp/2222");

        Result<VmForward> added = await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 2222, 22, null), CancellationToken.None);

        Assert.Equal(ErrorCode.Conflict, added.Error!.Code);
        Assert.Equal("host port 2222/tcp is in use by a program on this host (`ss -lnp` shows which); choose another host port", added.Error.Message);
        Assert.Empty(floor.Db.LoadPortForwards());
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("udp", 2222, 22, null), CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task Add_OnAPortAnotherVmHas_IsRefused_NamingThatVm()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        floor.Define("db", vifs: new VifSpec { Mac = "52:54:00:00:00:03" });
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 2222, 22, null), CancellationToken.None)).IsOk);

        Result<VmForward> added = await floor.Networks.AddForwardAsync("db", new ForwardSpec("tcp", 2222, 2200, null), CancellationToken.None);

        Assert.Equal("host port 2222/tcp already forwards to web:22; choose another host port or remove that forward", added.Error!.Message);
    }

    [Theory]
    [InlineData("sctp", 2222, 22, null, "protocol 'sctp' is not known; use tcp or udp")]
    [InlineData("tcp", 0, 22, null, "host port 0 is not a port; use 1-65535, e.g. `hospes port-forward add web 2222:22`")]
    [InlineData("tcp", 2222, 70000, null, "guest port 70000 is not a port")]
    [InlineData("tcp", 2222, 22, 3, "web has no vif 3; `hospes vif-list web` shows its interfaces")]
    public async Task Add_WithABadProtocolPortOrVif_IsRefusedWithTheReason(string protocol, int hostPort, int guestPort, int? vif, string reason)
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });

        Result<VmForward> added = await floor.Networks.AddForwardAsync("web", new ForwardSpec(protocol, hostPort, guestPort, vif), CancellationToken.None);

        Assert.StartsWith(reason, added.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(floor.Db.LoadPortForwards());
    }

    [Fact]
    public async Task Add_ToAVmOnlyOnAHostBridge_IsRefused_ForHospesDoesNotManageIt()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        floor.Host.AddLink("br0");
        floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02", Bridge = "br0" });

        Result<VmForward> added = await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 2222, 22, 0), CancellationToken.None);

        Assert.Equal("web's vif 0 is on host bridge 'br0', which Hospes does not manage; port forwards need a Hospes network", added.Error!.Message);
    }

    [Fact]
    public async Task Remove_TakesTheForwardOutOfTheRules_AndASecondRemoveSaysThereIsNone()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        VmSpec web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" }).Record.Spec;
        Assert.True((await floor.Networks.PrepareAsync(web, CancellationToken.None)).IsOk);
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 2222, 22, null), CancellationToken.None)).IsOk);

        Assert.True((await floor.Networks.RemoveForwardAsync("web", "tcp", 2222, CancellationToken.None)).IsOk);

        Assert.Empty(floor.Host.Tables["hospes_hospes0"]!.Forwards);
        Assert.Equal(
            "web has no forward from host port 2222/tcp; `hospes port-forward list web` shows its forwards",
            (await floor.Networks.RemoveForwardAsync("web", "tcp", 2222, CancellationToken.None)).Error!.Message);
    }

    [Fact]
    public async Task ForgetVm_DropsItsForwards_AndItsLease()
    {
        using NetworkFloor floor = await NetworkFloor.StartedAsync();
        var web = floor.Define("web", vifs: new VifSpec { Mac = "52:54:00:00:00:02" });
        Assert.True((await floor.Networks.PrepareAsync(web.Record.Spec, CancellationToken.None)).IsOk);
        Assert.True((await floor.Networks.AddForwardAsync("web", new ForwardSpec("tcp", 2222, 22, null), CancellationToken.None)).IsOk);
        floor.Vms.Remove(web.Record.Uuid);

        await floor.Networks.ForgetVmAsync(web.Record.Spec, CancellationToken.None);

        Assert.Empty(floor.Db.LoadPortForwards());
        Assert.Empty(floor.Host.Tables["hospes_hospes0"]!.Forwards);
        Assert.Empty(floor.Host.Dhcp[floor.NetworkDir("default")].Spec!.Hosts);
    }
}
