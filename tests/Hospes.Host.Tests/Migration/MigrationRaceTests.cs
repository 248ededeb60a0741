using Hospes.Core.Errors;
using Hospes.Host.Migration;
using Hospes.Host.State;
using Hospes.Host.Tests.Vms;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Migration;

/// <summary>Finding #8, the migration's part: what waited in the queue behind an outgoing migration never runs the guest here too.</summary>
public sealed class MigrationRaceTests
{
    [Fact]
    public async Task AStartQueuedBehindAMigrationThatSucceeds_IsRefused_TheGuestRunsOnlyThere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        Task<Result<VmRecord>> started = null!;
        source.Qmp.Answer("migrate", _ =>
        {
            // `hospes start web` while `hospes migrate web host-b` streams: it waits behind the migration.
            started = source.Vm.RunAsync(source.Floor.Commands.Start());
            return "{}";
        });

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.True(done.IsOk, done.Error?.Message);
        Result<VmRecord> start = await started;
        Assert.Equal(ErrorCode.NotFound, start.Error?.Code);
        Assert.Equal("cannot start web: it was migrated to host-b and runs there now; use `hospes` on host-b", start.Error!.Message);
        Assert.Single(source.Floor.Qemu.Launched);
        Assert.Empty(source.Floor.Db.LoadVms());
        LifecycleRaceTests.AssertEveryQemuIsKnown(source.Floor);
    }

    [Fact]
    public async Task AStartQueuedBehindAMigrationThatFails_RunsNormally_TheGuestStaysHere()
    {
        await using SourceFloor source = await SourceFloor.StartAsync();
        source.Target.Finish = () => HospesError.Unavailable("web: the incoming stream failed: Input/output error");
        Task<Result<VmRecord>> started = null!;
        source.Qmp.Answer("migrate", _ =>
        {
            started = source.Vm.RunAsync(source.Floor.Commands.Start());
            return "{}";
        });

        Result<MigrationSummary> done = await source.MigrateAsync();

        Assert.False(done.IsOk);
        Assert.StartsWith("cannot start web: it is running", (await started).Error?.Message, StringComparison.Ordinal);
        Assert.True(source.Floor.Vms.Find("web").IsOk);
        Assert.Single(source.Floor.Qemu.Launched);
    }
}
