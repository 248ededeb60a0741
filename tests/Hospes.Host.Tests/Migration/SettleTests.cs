using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// hospesd restarted while a migration was in flight (#9): each side settles it with the other from the migration's
/// journal, so that a guest never runs on both hosts and is never lost from both.
/// </summary>
public sealed class SettleTests
{
    private const string MigratingJson = """{"status": "active", "ram": {"transferred": 4096, "remaining": 8192, "total": 134217728}}""";
    private const string CompletedJson = """{"status": "completed", "downtime": 12, "ram": {"transferred": 4096, "remaining": 0, "total": 134217728, "dirty-sync-count": 2}}""";

    [Fact]
    public async Task SourceRestartedAfterTheStream_WhenTheDestinationDropsIt_TheGuestContinuesHere()
    {
        await using var floor = new VmFloor();
        var target = new FakeMigrationTarget();
        (VmActor vm, FakeQmp qmp) = await RestartedAsync(floor, MigrationJournal.Outgoing, "postmigrate", CompletedJson);

        await Service(floor, target).SettleAsync(CancellationToken.None);

        Assert.Equal(1, target.Aborts);
        Assert.Contains("cont", qmp.Asked);
        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal("mig-tls-m1", qmp.ArgumentsOf("object-del")!["id"]!.GetValue<string>());
        Assert.False(File.Exists(floor.Layout.MigrationJournal(vm.Record.Uuid)));
    }

    [Fact]
    public async Task SourceRestartedAfterTheStream_WhenTheDestinationMayRunIt_StaysPausedHere_AndSaysWhy()
    {
        await using var floor = new VmFloor();
        var target = new FakeMigrationTarget { Abort = () => HospesError.Conflict("incoming migration m1 is past its switch-over: web may run here; not dropped") };
        (VmActor vm, FakeQmp qmp) = await RestartedAsync(floor, MigrationJournal.Outgoing, "postmigrate", CompletedJson);

        await Service(floor, target).SettleAsync(CancellationToken.None);

        Assert.DoesNotContain("cont", qmp.Asked);
        Assert.DoesNotContain("quit", qmp.Asked);
        Assert.Equal(VmState.Paused, vm.Record.State);
        Assert.Contains("host-b may be running web now, so it stays paused here and never runs twice", vm.Record.LastError, StringComparison.Ordinal);
        Assert.NotNull(vm.Pid);
    }

    [Fact]
    public async Task SourceRestartedMidStream_CancelsIt_AndTheGuestRunsOnHere_EvenWhenTheDestinationDoesNotAnswer()
    {
        await using var floor = new VmFloor();
        var target = new FakeMigrationTarget { Abort = () => FakeMigrationTarget.NoAnswer("connection refused") };
        (VmActor vm, FakeQmp qmp) = await RestartedAsync(floor, MigrationJournal.Outgoing, "running", MigratingJson);

        await Service(floor, target).SettleAsync(CancellationToken.None);

        Assert.Contains("migrate_cancel", qmp.Asked);
        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal("running", qmp.Status);
        Assert.False(File.Exists(floor.Layout.MigrationJournal(vm.Record.Uuid)));
    }

    [Fact]
    public async Task DestinationRestartedMidStream_DropsTheArrivingVm_LeavingNoCrashedDuplicate()
    {
        await using var floor = new VmFloor();
        (VmActor vm, FakeQmp qmp) = await RestartedAsync(floor, MigrationJournal.Incoming, "inmigrate", MigratingJson);
        string dir = floor.Layout.VmDir(vm.Record.Uuid);

        await Service(floor, new FakeMigrationTarget()).SettleAsync(CancellationToken.None);

        Assert.Contains("quit", qmp.Asked);
        Assert.False(floor.Vms.Find("web").IsOk);
        Assert.Empty(floor.Db.LoadVms());
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task DestinationRestartedAfterTheGuestContinuedThere_KeepsIt()
    {
        await using var floor = new VmFloor();
        (VmActor vm, FakeQmp qmp) = await RestartedAsync(floor, MigrationJournal.Incoming, "running", CompletedJson);

        await Service(floor, new FakeMigrationTarget()).SettleAsync(CancellationToken.None);

        Assert.DoesNotContain("quit", qmp.Asked);
        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.True(floor.Vms.Find("web").IsOk);
        Assert.False(File.Exists(floor.Layout.MigrationJournal(vm.Record.Uuid)));
    }

    private static MigrationService Service(VmFloor floor, FakeMigrationTarget target) =>
        new(floor.Vms, target, new MigrationOfferBuilder(floor.Options.StateDir, floor.Balloons), "host-a", NullLoggerFactory.Instance);

    /// <summary>
    /// VM "web" with QEMU pid 77 (reporting <paramref name="status"/> and <paramref name="stream"/>), a migration's
    /// journal in its folder, and a hospesd restarted over it: loaded and reconciled, not yet settled.
    /// </summary>
    private static async Task<(VmActor Vm, FakeQmp Qmp)> RestartedAsync(VmFloor floor, string direction, string status, string stream)
    {
        VmActor defined = await floor.DefineAsync(floor.Spec("web"));
        floor.Db.Update(defined.Record with { State = direction == MigrationJournal.Outgoing ? VmState.Running : VmState.Paused, Pid = 77, DomId = 1 });
        new MigrationJournal { Direction = direction, Peer = "host-b", Id = FakeMigrationTarget.Id, Running = true }.Write(floor.Layout.MigrationJournal(defined.Record.Uuid));
        await floor.Vms.DisposeAsync();

        var qmp = new FakeQmp { Status = status };
        qmp.Answer("query-migrate", stream);
        qmp.Answer("query-block-jobs", "[]");
        qmp.Answer("migrate_cancel", () =>
        {
            qmp.Answer("query-migrate", """{"status": "cancelled"}""");
            return "{}";
        });
        floor.Qemu.Running[77] = new FakeQemu(77, qmp);
        VmActor vm = floor.RestartVms("web");
        await vm.RunAsync(floor.Commands.Reconcile());
        return (vm, qmp);
    }
}
