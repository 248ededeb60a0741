using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Testing.Fakes;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>The actor's state machine with QEMU faked: commands, guest events, QEMU's death, the lifecycle actions.</summary>
public sealed class VmActorTests
{
    [Fact]
    public async Task Start_LaunchesQemuPaused_SetsTheBalloon_ThenContinuesTheGuest()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");

        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal(vm.Pid, vm.Record.Pid);
        Assert.NotNull(vm.Record.DomId);
        Assert.Contains("-S", Assert.Single(floor.Qemu.Launched));
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        Assert.Equal("cont", qmp.Asked[^1]);
        Assert.Contains("qom-set", qmp.Asked);
        Assert.Equal(128, floor.Balloons.Of(vm).BootedMib);
        Assert.Equal(VmState.Running, floor.Db.LoadVms().Single().State);
    }

    [Fact]
    public async Task Start_WhenQemuRefuses_SaysWhy_AndLeavesTheVmShutoffWithoutAQemu()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        floor.Qemu.Failure = HospesError.Unavailable("QEMU refused to start: could not open /x");

        Result<VmRecord> started = await vm.RunAsync(floor.Commands.Start());

        Assert.False(started.IsOk);
        Assert.Equal("web: QEMU refused to start: could not open /x", started.Error.Message);
        Assert.Equal(VmState.Shutoff, vm.Record.State);
        Assert.Null(vm.Pid);
        Assert.True(floor.Qemu.RemovedRuntimeFiles > 0);
    }

    [Fact]
    public async Task PauseAndUnpause_StopAndContinueTheGuest()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");

        Assert.True((await vm.RunAsync(VmCommands.Pause())).IsOk);
        Assert.Equal(VmState.Paused, vm.Record.State);
        Assert.Equal("stop", floor.QemuOf(vm).Monitor.Asked[^1]);

        Assert.True((await vm.RunAsync(VmCommands.Unpause())).IsOk);
        Assert.Equal(VmState.Running, vm.Record.State);
    }

    [Fact]
    public async Task Pause_OfAShutoffVm_IsRefusedWithTheWayOut_AndNothingIsLaunched()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));

        Result<VmRecord> paused = await vm.RunAsync(VmCommands.Pause());

        Assert.Equal(ErrorCode.InvalidState, paused.Error!.Code);
        Assert.Equal("cannot pause web: it is shutoff; start it with `hospes start web`", paused.Error.Message);
        Assert.Empty(floor.Qemu.Launched);
    }

    [Fact]
    public async Task GuestPowerOff_WithOnPoweroffDestroy_EndsQemu_AndTheVmIsShutoff()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQemu qemu = floor.QemuOf(vm);

        qemu.Monitor.Emit("SHUTDOWN", """{"guest": true, "reason": "guest-shutdown"}""");

        await VmFloor.UntilAsync(vm, a => a.Record.State == VmState.Shutoff);
        Assert.Null(vm.Pid);
        Assert.Contains("quit", qemu.Monitor.Asked);
        Assert.True(vm.Guest.LastShutdown > DateTimeOffset.MinValue);
    }

    [Fact]
    public async Task Reboot_PowersOffAndOnRebootRestartResetsTheSameQemu()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQemu qemu = floor.QemuOf(vm);

        Assert.True((await vm.RunAsync(VmCommands.PressPowerButton(reboot: true))).IsOk);
        qemu.Monitor.Emit("SHUTDOWN", """{"guest": true, "reason": "guest-shutdown"}""");

        await VmFloor.UntilAsync(vm, a => a.Guest.LastReboot > DateTimeOffset.MinValue);
        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal(qemu.Pid, vm.Pid);
        Assert.Contains("system_reset", qemu.Monitor.Asked);
        Assert.Single(floor.Qemu.Launched);
    }

    [Fact]
    public async Task GuestPanic_WithOnCrashPreserve_KeepsQemuForInspection()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web", s => s with { OnCrash = LifecycleAction.Preserve });

        floor.QemuOf(vm).Monitor.Emit("GUEST_PANICKED", """{"action": "pause"}""");

        await VmFloor.UntilAsync(vm, a => a.Record.State == VmState.Crashed);
        Assert.NotNull(vm.Pid);
        Assert.Equal("the guest kernel panicked", vm.Record.LastError);
        Assert.Equal(1, vm.Record.CrashCount);
        Result<VmRecord> start = await vm.RunAsync(floor.Commands.Start());
        Assert.StartsWith("cannot start web: it is crashed", start.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QemuThatDies_IsACrash_AndOnCrashDestroyLeavesItCrashed()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        FakeQemu qemu = floor.QemuOf(vm);

        qemu.Monitor.Close();

        await VmFloor.UntilAsync(vm, a => a.Record.State == VmState.Crashed);
        Assert.Null(vm.Pid);
        Assert.StartsWith($"QEMU (pid {qemu.Pid}) exited unexpectedly", vm.Record.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QemuThatKeepsDying_WithOnCrashRestart_IsRestartedFiveTimes_ThenLeftCrashed()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web", s => s with { OnCrash = LifecycleAction.Restart });

        for (int crash = 1; crash <= 5; crash++)
        {
            int pid = vm.Pid!.Value;
            floor.Qemu.Running[pid].Monitor.Close();
            await VmFloor.UntilAsync(vm, a => a.Record.CrashCount == crash && a.Pid is { } again && again != pid && a.Record.State == VmState.Running);
        }

        floor.QemuOf(vm).Monitor.Close();
        await VmFloor.UntilAsync(vm, a => a.Record.LastError?.StartsWith("crashed 6 times within 5 minutes; not restarting it again", StringComparison.Ordinal) == true);
        Assert.Equal(VmState.Crashed, vm.Record.State);
        Assert.Equal(6, vm.Record.CrashCount);
        Assert.Equal(6, floor.Qemu.Launched.Count);
    }

    [Fact]
    public async Task Destroy_OfASavedVm_DropsTheSave_AndOfAShutoffVm_IsRefused()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));

        Result<VmRecord> refused = await vm.RunAsync(floor.Commands.Destroy());
        Assert.Equal("cannot destroy web: it is shutoff; start it with `hospes start web`", refused.Error!.Message);

        await vm.RunAsync(new CommitCommand(r => r with { State = VmState.Saved, SavePath = "/srv/web.save" }));
        Result<VmRecord> destroyed = await vm.RunAsync(floor.Commands.Destroy());
        Assert.Equal(VmState.Shutoff, destroyed.Value.State);
        Assert.Null(destroyed.Value.SavePath);
    }

    [Fact]
    public async Task ASession_UsedAfterItsCommandEnded_Throws()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        var keep = new KeepSessionCommand();
        await vm.RunAsync(keep);

        Assert.Throws<InvalidOperationException>(() => keep.Session!.Commit(vm.Record));
    }

    /// <summary>Sets the record as a test needs it, through the queue as everything else.</summary>
    private sealed class CommitCommand(Func<VmRecord, VmRecord> change) : VmCommand<VmRecord>
    {
        public override VmAction Action => VmAction.Any;

        protected override Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct) => Task.FromResult<Result<VmRecord>>(vm.Commit(change(vm.Record)));
    }

    private sealed class KeepSessionCommand : VmCommand<bool>
    {
        public VmSession? Session { get; private set; }

        public override VmAction Action => VmAction.Any;

        protected override Task<Result<bool>> RunAsync(VmSession vm, CancellationToken ct)
        {
            Session = vm;
            return Task.FromResult<Result<bool>>(true);
        }
    }
}
