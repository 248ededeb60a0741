using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Testing.Fakes;

namespace Hospes.Host.Tests.Vms;

/// <summary>
/// Finding #10 (the rest): a VM's queue does not grow without limit, whether a guest floods QEMU's events or clients
/// queue commands behind a long one; hospesd's own steps and QEMU's exit are never refused.
/// </summary>
public sealed class VmQueueBoundTests
{
    [Fact]
    public async Task AGuestResettingInALoop_BehindALongCommand_LeavesOneResetWaiting_AndTheVmStillAnswers()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("loop");
        FakeQmp qmp = floor.QemuOf(vm).Monitor;
        var release = new TaskCompletionSource();
        Task<Result<bool>> held = vm.RunAsync(new HeldCommand(release.Task));
        DateTimeOffset before = vm.Guest.LastReboot;
        try
        {
            for (int i = 0; i < 20_000; i++)
            {
                qmp.Emit("RESET", """{"guest": true, "reason": "guest-reset"}""");
                qmp.Emit("RTC_CHANGE", $$"""{"offset": {{i}}, "qom-path": "/machine/unattached/device[9]"}""");
            }

            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (qmp.Events.Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(0, qmp.Events.Count);
            Assert.True(vm.Waiting <= 1, $"{vm.Waiting} items wait in the queue");
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.True((await held).IsOk);
        Assert.True((await vm.RunAsync(VmCommands.Pause())).IsOk);
        Assert.True(vm.Guest.LastReboot > before, "the reset loop was not seen");
        Assert.Equal(VmState.Paused, vm.Record.State);
    }

    [Fact]
    public async Task ClientsQueueingCommandsBehindALongOne_AreRefusedBeyondTheBound_WhileHospesdsOwnStepsStillQueue()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("busy");
        var release = new TaskCompletionSource();
        Task<Result<bool>> held = vm.RunAsync(new HeldCommand(release.Task));
        await VmFloor.UntilAsync(vm, v => v.Waiting == 0);

        List<Task<Result<VmRecord>>> queued;
        Result<VmRecord> refused;
        Task<Result<bool>> own;
        try
        {
            queued = [.. Enumerable.Range(0, VmActor.MaxQueuedCommands).Select(i => vm.RunAsync(i % 2 == 0 ? VmCommands.Pause() : VmCommands.Unpause()))];
            refused = await vm.RunAsync(VmCommands.Pause());
            own = vm.RunAsync(new InQueue(() => { }));
        }
        finally
        {
            release.TrySetResult();
        }

        Assert.Equal(ErrorCode.Unavailable, refused.Error?.Code);
        Assert.Equal($"busy has {VmActor.MaxQueuedCommands} commands queued; try again when they finish (`hospes list` shows what it is doing)", refused.Error?.Message);
        Assert.True((await held).IsOk);
        Assert.All(await Task.WhenAll(queued), r => Assert.True(r.IsOk, r.Error?.Message));
        Assert.True((await own).IsOk);
        Assert.True((await vm.RunAsync(VmCommands.Pause())).IsOk, "a command after the queue drained was refused");
    }

    /// <summary>A command of hospesd's own that holds the queue until released.</summary>
    private sealed class HeldCommand(Task release) : VmCommand<bool>
    {
        public override VmAction Action => VmAction.Any;

        protected override async Task<Result<bool>> RunAsync(VmSession vm, CancellationToken ct)
        {
            await release;
            return true;
        }
    }
}
