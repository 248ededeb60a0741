using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Migration;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Migration;

/// <summary>
/// The destination's side with QEMU faked: a prepare that fails leaves nothing behind, a switch-over once begun is
/// never dropped, and a migration whose source goes silent is dropped by the destination itself.
/// </summary>
public sealed class IncomingMigrationsTests
{
    [Fact]
    public async Task Prepare_WhenQemuCannotStart_LeavesNoRowFolderOrQemu()
    {
        await using var destination = new DestinationFloor();
        destination.Floor.Qemu.Failure = HospesError.Unavailable("QEMU refused to start: could not open /x");
        MigrationOffer offer = destination.Offer();

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal("web: QEMU refused to start: could not open /x", prepared.Error!.Message);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task Prepare_WhenQemuCannotListen_EndsIt_AndLeavesNoRowFolderOrQemu()
    {
        await using var destination = new DestinationFloor();
        destination.Floor.Qemu.OnLaunch += q => q.Monitor.Refuse("migrate-incoming", "Failed to bind socket: Address already in use");
        MigrationOffer offer = destination.Offer();

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Equal("web: cannot wait for the migration stream: QEMU refused migrate-incoming: Failed to bind socket: Address already in use", prepared.Error!.Message);
        Assert.False(destination.Qemu.IsAlive);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task Prepare_ListensForTheStream_WithTheVmDefinedAndPausedHere()
    {
        await using var destination = new DestinationFloor();

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(destination.Offer());

        Assert.True(prepared.IsOk, prepared.Error?.Message);
        Assert.NotNull(prepared.Value.Id);
        Assert.Equal((49152, (int?)null), (prepared.Value.MigratePort, prepared.Value.NbdPort));
        Assert.All(prepared.Value.Checks, c => Assert.True(c.Ok, $"{c.Name}: {c.Message}"));
        Assert.Equal("tcp:127.0.0.1:0", destination.Qemu.Monitor.ArgumentsOf("migrate-incoming")!["uri"]!.GetValue<string>());
        Assert.Equal(VmState.Paused, destination.Floor.Vms.Find("web").Value.Record.State);
    }

    [Fact]
    public async Task DryRun_AnswersEveryCheck_AndDefinesNothing()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with { DryRun = true, QemuVersion = "8.2.2" });

        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        Assert.Null(prepared.Value.Id);
        Assert.Equal(["name", "qemu", "cpu", "storage", "memory", "project", "network"], prepared.Value.Checks.Select(c => c.Name));
        Assert.Equal(
            "the source runs QEMU 8.2.2, this host 10.0.2: their machine types differ; install the same QEMU version on both hosts",
            Assert.Single(prepared.Value.Checks, c => !c.Ok).Message);
        Assert.Empty(destination.Floor.Qemu.Launched);
        destination.AssertNothingOf(offer.Spec);
    }

    [Fact]
    public async Task AVm_KeepsItsProject_WhichMustExistHere()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer(o => o with { Project = "lab1" });

        Result<MigrationPrepared> refused = await destination.PrepareAsync(offer);

        Assert.Equal("no project lab1 on this host; create it here first: hospes project create lab1", Assert.Single(refused.Value.Checks, c => !c.Ok).Message);
        destination.AssertNothingOf(offer.Spec);

        Assert.True(destination.Floor.Db.TryInsertProject(new Hospes.Host.Access.ProjectRecord("lab1", new Hospes.Host.Access.ProjectLimits(Vms: 0), DateTimeOffset.UtcNow)));
        Result<MigrationPrepared> prepared = await destination.PrepareAsync(offer);

        // Its quota (no VMs at all) does not refuse a VM that runs already.
        Assert.True(prepared.IsOk, prepared.Error?.Message);
        Assert.Equal("lab1", destination.Floor.Vms.Find("web").Value.Record.Project);
    }

    [Fact]
    public async Task Abort_BeforeTheSwitchover_DropsTheVmAndItsQemu()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer();
        string id = (await destination.PrepareAsync(offer)).Value.Id!;

        Result<bool> aborted = await destination.Incoming.AbortAsync(id, "host-a aborted it");

        Assert.True(aborted.IsOk);
        destination.AssertNothingOf(offer.Spec);
        Assert.Equal(
            $"no incoming migration {id} here (it failed or was aborted; see hospesd's log)",
            (await destination.Incoming.FinishAsync(id, run: true, postcopy: false, probe: false)).Error!.Message);
    }

    [Fact]
    public async Task Abort_AfterTheSwitchoverBegan_IsRefused_AndTheGuestContinuesHere()
    {
        await using var destination = new DestinationFloor();
        string id = (await destination.PrepareAsync(destination.Offer())).Value.Id!;
        destination.Stream = "active";

        Task<Result<MigrationFinished>> finishing = destination.Incoming.FinishAsync(id, run: true, postcopy: false, probe: false);
        Result<bool> aborted = await destination.Incoming.AbortAsync(id, "host-a aborted it");
        destination.Stream = "completed";
        Result<MigrationFinished> finished = await finishing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorCode.Conflict, aborted.Error!.Code);
        Assert.Equal($"incoming migration {id} is past its switch-over: web may run here; not dropped", aborted.Error.Message);
        Assert.True(finished.IsOk, finished.Error?.Message);
        Assert.Equal("running", finished.Value.State);
        VmActor vm = destination.Floor.Vms.Find("web").Value;
        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal(["cont", "migrate-set-parameters", "object-del", "object-del"], destination.Qemu.Monitor.Asked.SkipWhile(c => c != "cont"));
    }

    [Fact]
    public async Task Watchdog_DropsAMigrationWhoseSourceSendsNothing()
    {
        await using var destination = new DestinationFloor();
        MigrationOffer offer = destination.Offer();
        string id = (await destination.PrepareAsync(offer)).Value.Id!;

        destination.Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        for (var waited = System.Diagnostics.Stopwatch.StartNew(); destination.Floor.Vms.Find("web").IsOk || destination.Qemu.IsAlive || destination.Floor.Db.LoadVms().Count > 0 || Directory.Exists(destination.Floor.Layout.VmDir(offer.Spec.Uuid)); await Task.Delay(10))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the watchdog did not drop the silent migration");
        }

        destination.AssertNothingOf(offer.Spec);
        Assert.Equal(ErrorCode.NotFound, (await destination.Incoming.AbortAsync(id, "host-a aborted it")).Error!.Code);
    }

    [Fact]
    public async Task Watchdog_LeavesAMigrationAlone_WhileItsStreamRuns()
    {
        await using var destination = new DestinationFloor();
        string id = (await destination.PrepareAsync(destination.Offer())).Value.Id!;
        destination.Stream = "active";

        destination.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(100);

        Assert.True(destination.Floor.Vms.Find("web").IsOk);
        Assert.True(destination.Qemu.IsAlive);
        Assert.True((await destination.Incoming.AbortAsync(id, "host-a aborted it")).IsOk);
    }
}
