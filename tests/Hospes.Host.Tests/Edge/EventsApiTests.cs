using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Edge;
using Hospes.Host.Machine;
using Hospes.Host.Tests.Access;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Tests.Edge;

/// <summary>The event stream per caller: a VM's events only to who may audit it, the host's only to who may audit the host.</summary>
public sealed class EventsApiTests
{
    [Fact]
    public async Task AUserWithoutVmAudit_SeesNoneOfThatVmsEvents_NorTheHosts_ButTheirOwnVmsInFull()
    {
        await using var floor = new VmFloor();
        floor.Db.SetAcl(Lab.Entry("/projects/default/vms/mine", "user:carol", "LabStudent"));
        var projects = new DefaultProjects();
        var gate = new AccessGate(floor.Db, projects);
        var api = new EventsApi(floor.Events, gate, projects);
        using EventFeed carol = api.Open(new Caller(Principal.OfUser("carol"), "test"), null, null).Value;
        using EventFeed admin = api.Open(Caller.LocalAdmin("root"), null, null).Value;

        VmActor other = await floor.StartedAsync("other");
        floor.Events.Publish(new HostEvent { Type = HostEventTypes.MemoryKsm, Message = "KSM on" });
        VmActor mine = await floor.StartedAsync("mine");
        Assert.True((await other.RunAsync(floor.Commands.Destroy())).IsOk);
        Assert.True((await mine.RunAsync(floor.Commands.Destroy())).IsOk);

        Wire.HostEvent[] seen = await ReadAsync(carol, 3);
        Assert.Equal(["vm.defined", "vm.state", "vm.state"], seen.Select(e => e.Type));
        Assert.All(seen, e => Assert.Equal(("mine", "default"), (e.Vm, e.Project)));
        Assert.Equal(Wire.Vms.VmState.Shutoff, seen[^1].State);
        Wire.HostEvent[] all = await ReadAsync(admin, 7);
        Assert.Equal(["other", "other", null, "mine", "mine", "other", "mine"], all.Select(e => e.Vm));
    }

    [Fact]
    public async Task ARevocation_TakesEffect_OnAStreamAlreadyOpen()
    {
        await using var floor = new VmFloor();
        AclEntry onB = Lab.Entry("/projects/default/vms/b", "user:carol", "Auditor");
        floor.Db.SetAcl(Lab.Entry("/projects/default/vms/a", "user:carol", "Auditor"));
        floor.Db.SetAcl(onB);
        var projects = new DefaultProjects();
        var gate = new AccessGate(floor.Db, projects);
        var api = new EventsApi(floor.Events, gate, projects);
        using EventFeed carol = api.Open(new Caller(Principal.OfUser("carol"), "test"), null, "vm.state").Value;
        VmActor a = await floor.StartedAsync("a");
        VmActor b = await floor.StartedAsync("b");
        Assert.Equal(["a", "b"], (await ReadAsync(carol, 2)).Select(e => e.Vm));

        Assert.True(floor.Db.RemoveAcl(onB));
        gate.Reload();
        Assert.True((await b.RunAsync(floor.Commands.Destroy())).IsOk);
        Assert.True((await a.RunAsync(floor.Commands.Destroy())).IsOk);

        Wire.HostEvent next = Assert.Single(await ReadAsync(carol, 1));
        Assert.Equal(("a", Wire.Vms.VmState.Shutoff), (next.Vm, next.State));
    }

    [Fact]
    public void TheWiresTypes_AreTheHubs() => Assert.Equal(HostEventTypes.All, Wire.HostEventTypes.All);

    [Fact]
    public void AnUnknownType_IsRefused_NamingTheKnownOnes()
    {
        var projects = new DefaultProjects();
        var hub = new HostEvents(TimeProvider.System);
        using var dir = new Hospes.Tests.Shared.TempDir();
        var api = new EventsApi(hub, new AccessGate(new Hospes.Host.State.StateDb(dir.File("state.db")), projects), projects);

        Result<EventFeed> opened = api.Open(Caller.LocalAdmin("root"), null, "vm.state,vm.bogus");

        Assert.False(opened.IsOk);
        Assert.StartsWith("unknown event type 'vm.bogus'; give one or more of vm.defined, vm.state,", opened.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, hub.Subscribers);
    }

    [Fact]
    public async Task TypeAndVmFilters_PickTheirEvents()
    {
        await using var floor = new VmFloor();
        var projects = new DefaultProjects();
        var api = new EventsApi(floor.Events, new AccessGate(floor.Db, projects), projects);
        using EventFeed feed = api.Open(Caller.LocalAdmin("root"), "web", "vm.state").Value;

        await floor.StartedAsync("other");
        VmActor web = await floor.StartedAsync("web");
        Assert.True((await web.RunAsync(floor.Commands.Destroy())).IsOk);

        Wire.HostEvent[] seen = await ReadAsync(feed, 2);
        Assert.All(seen, e => Assert.Equal(("web", "vm.state"), (e.Vm, e.Type)));
    }

    private static async Task<Wire.HostEvent[]> ReadAsync(EventFeed feed, int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var got = new List<Wire.HostEvent>();
        await foreach (Wire.HostEvent e in feed.ReadAllAsync(limit.Token))
        {
            got.Add(e);
            if (got.Count == count)
            {
                break;
            }
        }

        return [.. got];
    }

    private sealed class DefaultProjects : IObjectProjects
    {
        public string? ProjectOf(string collection, string name) => "default";
    }
}
