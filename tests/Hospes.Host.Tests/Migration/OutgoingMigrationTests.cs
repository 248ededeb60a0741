using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Migration;
using Hospes.Host.Tests.Machine;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// The source's side of a live migration with QEMU and the destination faked: what happens to the guest here when the
/// destination confirms, refuses, or says nothing at the switch-over, and when the migration stops before it.
/// </summary>
public sealed class OutgoingMigrationTests
{
    [Fact]
    public async Task Migrate_WhenTheDestinationConfirms_EndsQemuHere_AndForgetsTheVm()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.True(done.IsOk, done.Error?.Message);
        Assert.Equal(("web", "host-a", "host-b", "live"), (done.Value.Vm, done.Value.From, done.Value.To, done.Value.Mode));
        MigrationOffer offer = Assert.Single(source.Target.Offers);
        Assert.Equal((source.Vm.Record.Uuid, 128, true, "host-a"), (offer.Spec.Uuid, offer.RamMib, offer.Running, offer.SourceHost));
        Assert.Equal((true, false, false), Assert.Single(source.Target.Switchovers));
        Assert.Equal(0, source.Target.Aborts);
        Assert.Equal("tcp:127.0.0.1:49152", source.Qmp.ArgumentsOf("migrate")!["uri"]!.GetValue<string>());
        Assert.Contains("quit", source.Qmp.Asked);
        Assert.DoesNotContain("cont", source.AskedAfterMigrate());
        Assert.False(source.Floor.Vms.Find("web").IsOk);
        Assert.Empty(source.Floor.Db.LoadVms());
        Assert.Contains(source.Events, e => e.Event == "switchover" && e.Message == "host-b continues the guest");
    }

    [Fact]
    public async Task Migrate_TellsTheEventStream_ItsPhases_ThenTheVmsRemoval()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        using EventSubscription events = source.Floor.Events.Subscribe(e => e.Type is HostEventTypes.Progress or HostEventTypes.VmRemoved);

        Assert.True((await source.MigrateAsync()).IsOk);

        // The VM leaves in its queue at the switch-over, before the run's end is told.
        HostEvent[] got = await HostEventsTests.ReadAsync(events, source.Events.Count + 2);
        HostEvent removed = got[^2];
        HostEvent[] phases = [.. got.Take(got.Length - 2), got[^1]];
        Assert.All(phases, e => Assert.Equal(("migrate", "web"), (e.Operation, e.Vm)));
        Assert.Equal(source.Events.Select(e => e.Event).Append("done"), phases.Select(e => e.Phase));
        Assert.Equal("live migration to host-b done", got[^1].Message);
        Assert.Equal((HostEventTypes.VmRemoved, "web", "migrated", "now on host-b"), (removed.Type, removed.Vm, removed.Why, removed.Message));
    }

    [Fact]
    public async Task SwitchoverSentWithNoAnswer_KeepsTheGuestPausedHere_AndSaysItMayRunThere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => FakeMigrationTarget.NoAnswer("the connection broke");
        source.Target.Abort = () => FakeMigrationTarget.NoAnswer("the connection broke");

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.Equal($"host-b did not answer the switch-over (cannot reach host-b: the connection broke). {SourceFloor.MaybeThere}", done.Error!.Message);
        Assert.Equal((VmState.Paused, SourceFloor.MaybeThere), (source.Vm.Record.State, source.Vm.Record.LastError));
        Assert.Equal(VmState.Paused, source.Floor.Db.LoadVms().Single().State);
        Assert.DoesNotContain("cont", source.AskedAfterMigrate());
        Assert.True(source.Qemu.IsAlive);
        Assert.True(source.Target.Aborts > 0);
    }

    [Fact]
    public async Task SwitchoverSentWithNoAnswer_ButTheDropConfirmed_ContinuesTheGuestHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => FakeMigrationTarget.NoAnswer("the connection broke");

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.Equal("host-b could not continue web: cannot reach host-b: the connection broke; it continues here", done.Error!.Message);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
        Assert.Equal("cont", source.AskedAfterMigrate()[^1]);
        Assert.Equal("running", source.Qmp.Status);
        Assert.True(source.Floor.Vms.Find("web").IsOk);
    }

    [Fact]
    public async Task SwitchoverThatNeverReachedTheDestination_ContinuesTheGuestHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => FakeMigrationTarget.NotDelivered("Connection refused (203.0.113.2:8443)");
        source.Target.Abort = () => FakeMigrationTarget.NotDelivered("Connection refused (203.0.113.2:8443)");

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.Equal("the switch-over never reached host-b (cannot reach host-b: Connection refused (203.0.113.2:8443)); web continues here", done.Error!.Message);
        Assert.Equal((VmState.Running, (string?)null), (source.Vm.Record.State, source.Vm.Record.LastError));
        Assert.Equal("cont", source.AskedAfterMigrate()[^1]);
        Assert.Equal("running", source.Qmp.Status);
        Assert.True(source.Floor.Vms.Find("web").IsOk);
    }

    [Fact]
    public async Task DestinationRefusesTheSwitchover_TheGuestContinuesHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => HospesError.Unavailable("web: the incoming stream failed: Input/output error");

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.Equal(ErrorCode.Unavailable, done.Error!.Code);
        Assert.Equal("host-b could not continue web: web: the incoming stream failed: Input/output error; it continues here", done.Error.Message);
        Assert.Equal((VmState.Running, (string?)null), (source.Vm.Record.State, source.Vm.Record.LastError));
        Assert.Equal("cont", source.AskedAfterMigrate()[^1]);
        Assert.True(source.Qemu.IsAlive);
    }

    [Fact]
    public async Task AFailedCheck_RefusesBeforeAnythingMoves()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Prepare = _ => new MigrationPrepared { Checks = [new("cpu", true, "tcg on both"), new("memory", false, "128 MiB asked, 64 MiB free")] };

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.Equal(ErrorCode.InvalidState, done.Error!.Code);
        Assert.Equal("cannot migrate web to host-b: memory: 128 MiB asked, 64 MiB free", done.Error.Message);
        Assert.Equal(["memory"], done.Error.Details);
        Assert.Equal(["ok cpu: tcg on both", "FAILED memory: 128 MiB asked, 64 MiB free"], source.Events.Where(e => e.Event == "check").Select(e => e.Message));
        Assert.DoesNotContain("migrate", source.Qmp.Asked);
        Assert.DoesNotContain("migrate-set-capabilities", source.Qmp.Asked);
        Assert.Empty(source.Target.Switchovers);
        Assert.Equal(0, source.Target.Aborts);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
    }

    [Fact]
    public async Task CancelBeforeTheSwitchover_StopsTheStream_AndTheGuestContinuesHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Qmp.Answer("query-migrate", () =>
        {
            streaming.TrySetResult();
            return """{"status": "active", "ram": {"transferred": 4096, "remaining": 8192, "total": 134217728}}""";
        });

        Task<Result<MigrationSummary>> migrating = source.MigrateAsync();
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(source.Service.Cancel("web").IsOk);
        Result<MigrationSummary> done = await migrating.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("migration of web to host-b cancelled; it continues here", done.Error!.Message);
        Assert.Contains("migrate_cancel", source.Qmp.Asked);
        Assert.Empty(source.Target.Switchovers);
        Assert.Equal(1, source.Target.Aborts);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
        Assert.True(source.Qemu.IsAlive);
        Assert.Equal("web is not being migrated", source.Service.Cancel("web").Error!.Message);
    }

    [Fact]
    public async Task CancelWhileTheDestinationPrepares_WaitsForItsAnswer_ThenDropsItThere_AndTheGuestContinuesHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        var preparing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancelled = new ManualResetEventSlim();
        Func<MigrationOffer, Result<MigrationPrepared>> prepare = source.Target.Prepare;
        source.Target.Prepare = o =>
        {
            preparing.TrySetResult();
            Assert.True(cancelled.Wait(TimeSpan.FromSeconds(10)));
            return prepare(o);
        };

        Task<Result<MigrationSummary>> migrating = Task.Run(() => source.MigrateAsync());
        await preparing.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(source.Service.Cancel("web").IsOk);
        cancelled.Set();
        Result<MigrationSummary> done = await migrating.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("migration of web to host-b cancelled; it continues here", done.Error!.Message);
        Assert.DoesNotContain("migrate", source.Qmp.Asked);
        Assert.Equal(1, source.Target.Aborts);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
        Assert.False(File.Exists(source.Floor.Layout.MigrationJournal(source.Vm.Record.Uuid)));
    }

    [Fact]
    public async Task DryRun_OnlyAsksTheDestinationToCheck_AndTheVmStaysHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();

        Result<MigrationSummary> done = await source.MigrateAsync(new MigrateRequest { Host = "host-b", DryRun = true });

        Assert.Equal("dry-run", done.Value.Mode);
        Assert.True(Assert.Single(source.Target.Offers).DryRun);
        Assert.DoesNotContain("migrate", source.Qmp.Asked);
        Assert.Empty(source.Target.Switchovers);
        Assert.Equal(0, source.Target.Aborts);
        Assert.Equal(VmState.Running, source.Vm.Record.State);
        Assert.True(source.Floor.Vms.Find("web").IsOk);
    }

    [Fact]
    public async Task PostcopyRefusedAfterTheSwitchover_MarksTheGuestCrashed_ForItCannotContinueHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Stream("postcopy-active");
        source.Target.Finish = () => HospesError.Unavailable("web: its incoming QEMU is gone");

        Result<MigrationSummary> done = await source.MigrateAsync(new MigrateRequest { Host = "host-b", Postcopy = true });

        Assert.Equal(ErrorCode.Internal, done.Error!.Code);
        Assert.Equal("post-copy migration to host-b failed after the switch-over: web: its incoming QEMU is gone; the guest is lost (its disks are intact)", done.Error.Message);
        Assert.Equal((true, true, false), Assert.Single(source.Target.Switchovers));
        Assert.Equal(VmState.Crashed, source.Vm.Record.State);
        Assert.False(source.Qemu.IsAlive);
        Assert.DoesNotContain("cont", source.AskedAfterMigrate());
        Assert.True(source.Floor.Vms.Find("web").IsOk);
    }

    [Fact]
    public async Task PostcopyBreakingOffAfterTheDestinationContinued_MarksTheGuestCrashed()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Stream("postcopy-active");
        source.Target.Finish = () =>
        {
            source.Stream("failed", "Connection reset by peer");
            return FakeMigrationTarget.Continued();
        };

        Result<MigrationSummary> done = await source.MigrateAsync(new MigrateRequest { Host = "host-b", Postcopy = true });

        Assert.Equal("post-copy to host-b broke off: Connection reset by peer; the guest is lost (its disks are intact)", done.Error!.Message);
        Assert.Equal(VmState.Crashed, source.Vm.Record.State);
        Assert.False(source.Qemu.IsAlive);
    }
}
