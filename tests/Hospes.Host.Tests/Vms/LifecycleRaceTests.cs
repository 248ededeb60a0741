using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// Finding #8: no interleaving of start, delete, restore and the end of the queue runs a VM twice or leaves a QEMU
/// nobody knows. Each test stages its interleaving in the VM's queue (<see cref="InQueue"/>), QEMU faked.
/// </summary>
public sealed class LifecycleRaceTests
{
    [Fact]
    public async Task AStartQueuedBeforeADelete_Runs_AndTheDeleteIsRefused_SoNoQemuIsLeftUnknown()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        Task<Result<VmRecord>> started = null!;
        Task<Result<VmActor>> deleted = null!;

        await vm.RunAsync(new InQueue(() =>
        {
            started = vm.RunAsync(floor.Commands.Start());
            deleted = floor.Vms.DeleteAsync("web", force: false, CancellationToken.None);
        }));

        Assert.True((await started).IsOk);
        Assert.Equal("cannot delete web: it is running; shut it down or destroy it first, or use --force", (await deleted).Error?.Message);
        Assert.Equal(VmState.Running, floor.Db.LoadVms().Single().State);
        AssertEveryQemuIsKnown(floor);
    }

    [Fact]
    public async Task AStartQueuedBeforeAForcedDelete_EndsWithTheVmGone_AndItsQemuStopped()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        Task<Result<VmRecord>> started = null!;
        Task<Result<VmActor>> deleted = null!;

        await vm.RunAsync(new InQueue(() =>
        {
            started = vm.RunAsync(floor.Commands.Start());
            deleted = floor.Vms.DeleteAsync("web", force: true, CancellationToken.None);
        }));

        Assert.True((await started).IsOk);
        Assert.True((await deleted).IsOk);
        Assert.Empty(floor.Db.LoadVms());
        Assert.False(floor.Vms.Find("web").IsOk);
        Assert.False(Directory.Exists(floor.Layout.VmDir(vm.Record.Uuid)));
        AssertEveryQemuIsKnown(floor);
    }

    [Fact]
    public async Task AStartQueuedBehindADelete_IsRefusedAsDeleted_AndLaunchesNothing()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        Task<Result<VmActor>> deleted = null!;
        Task<Result<VmRecord>> started = null!;

        await vm.RunAsync(new InQueue(() =>
        {
            deleted = floor.Vms.DeleteAsync("web", force: false, CancellationToken.None);
            started = vm.RunAsync(floor.Commands.Start());
        }));

        Assert.True((await deleted).IsOk);
        Result<VmRecord> start = await started;
        Assert.Equal(ErrorCode.NotFound, start.Error?.Code);
        Assert.Empty(floor.Qemu.Launched);
        Assert.Empty(floor.Db.LoadVms());
    }

    [Fact]
    public async Task CommandsStillQueuedWhenTheQueueStops_AreRefused_NeverRun()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        Task<Result<VmRecord>> started = null!;
        Task stopped = null!;

        await vm.RunAsync(new InQueue(() =>
        {
            started = vm.RunAsync(floor.Commands.Start());
            stopped = vm.DisposeAsync().AsTask();
        }));
        await stopped;

        Result<VmRecord> start = await started;
        Assert.False(start.IsOk);
        Assert.Equal("web: hospesd is stopping; the VM is left as it is. Try again once hospesd is back", start.Error!.Message);
        Assert.Empty(floor.Qemu.Launched);
        Assert.Equal(VmState.Shutoff, floor.Db.LoadVms().Single().State);
    }

    [Fact]
    public async Task ARestoreOfAFile_WhenTheVmRanMeanwhile_IsRefusedInTheQueue_AndTheSaveIsNotReplayedOverItsDisks()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        string path = await SaveAsync(floor, vm);
        Task<Result<VmRecord>> started = null!;
        Task<Result<VmRecord>> destroyed = null!;
        Task<Result<VmActor>> restored = null!;

        // The restore looks while the VM is saved in this file; before its turn the guest continues and is stopped.
        floor.Qemu.OnLaunch = q => q.Monitor.Answer("query-migrate", """{"status": "completed"}""");
        await vm.RunAsync(new InQueue(() =>
        {
            started = vm.RunAsync(floor.Commands.Start());
            destroyed = vm.RunAsync(floor.Commands.Destroy());
            restored = floor.Vms.RestoreAsync(path, paused: false, CancellationToken.None);
        }));

        Assert.True((await started).IsOk);
        Assert.True((await destroyed).IsOk);
        Assert.Equal($"cannot restore web from {path}: it is shutoff and may have written to its disks since this save; restoring would not match its disks", (await restored).Error?.Message);
        Assert.Equal(2, floor.Qemu.Launched.Count);
        Assert.Null(vm.Pid);
    }

    /// <summary>Saves a running VM to a file of the floor's state dir (the stream faked) and returns the file.</summary>
    internal static async Task<string> SaveAsync(VmFloor floor, VmActor vm)
    {
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        string path = Path.Combine(floor.Options.StateDir, $"{vm.Record.Name}.save");
        qmp.Answer("query-migrate", """{"status": "completed"}""");
        qmp.Answer("migrate", _ =>
        {
            // QEMU writes its stream after the header.
            using var f = new FileStream(path, FileMode.Append);
            f.Write(new byte[8192]);
            return "{}";
        });
        Result<VmRecord> saved = await vm.RunAsync(floor.Commands.Save(path));
        Assert.True(saved.IsOk, saved.Error?.Message);
        return path;
    }

    /// <summary>Every QEMU still alive belongs to a VM the floor knows, with a row that names its pid.</summary>
    internal static void AssertEveryQemuIsKnown(VmFloor floor)
    {
        foreach (FakeQemu q in floor.Qemu.Running.Values.Where(q => q.IsAlive))
        {
            Assert.Contains(floor.Registry.Vms, a => a.Pid == q.Pid);
            Assert.Contains(floor.Db.LoadVms(), r => r.Pid == q.Pid);
        }
    }
}
