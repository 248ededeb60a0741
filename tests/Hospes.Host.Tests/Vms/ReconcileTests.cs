using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Testing.Fakes;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>What a restarted hospesd makes of each VM: QEMUs still running are kept, what happened meanwhile is applied.</summary>
public sealed class ReconcileTests
{
    [Fact]
    public async Task ARunningQemu_IsReattached_WithoutTouchingTheGuest()
    {
        await using var floor = new VmFloor();
        VmActor vm = await Restarted(floor, "running");

        await vm.RunAsync(floor.Commands.Reconcile());

        Assert.Equal(VmState.Running, vm.Record.State);
        Assert.Equal(4242, Assert.Single(vm.VcpuThreads));
        Assert.DoesNotContain("cont", floor.Qemu.Running[vm.Pid!.Value].Monitor.Asked);
    }

    [Fact]
    public async Task AQemuThatIsGone_IsACrash()
    {
        await using var floor = new VmFloor();
        VmActor vm = await Restarted(floor, "running");
        floor.Qemu.Running.Clear();

        await vm.RunAsync(floor.Commands.Reconcile());

        Assert.Equal(VmState.Crashed, vm.Record.State);
        Assert.StartsWith("QEMU (pid 77) was gone when hospesd started", vm.Record.LastError, StringComparison.Ordinal);
        Assert.Null(vm.Record.Pid);
    }

    [Fact]
    public async Task AQemuThatIsGone_LeavesNoSockets_ForItCouldNotRemoveThemItself()
    {
        await using var floor = new VmFloor();
        VmActor vm = await Restarted(floor, "running");
        floor.Qemu.Running.Clear();

        await vm.RunAsync(floor.Commands.Reconcile());

        Assert.Equal(1, floor.Qemu.RemovedRuntimeFiles);
    }

    [Fact]
    public async Task AGuestThatPoweredOffMeanwhile_GetsItsOnPoweroff()
    {
        await using var floor = new VmFloor();
        VmActor vm = await Restarted(floor, "shutdown");
        FakeQmp qmp = floor.Qemu.Running[77].Monitor;

        await vm.RunAsync(floor.Commands.Reconcile());

        Assert.Equal(VmState.Shutoff, vm.Record.State);
        Assert.Contains("quit", qmp.Asked);
    }

    [Fact]
    public async Task ASaveCutOffByHospesdsDeath_LeavesTheVmSavedFromItsFile()
    {
        await using var floor = new VmFloor();
        VmActor vm = await Restarted(floor, "postmigrate", r => r with { SavePath = "/srv/web.save" });

        await vm.RunAsync(floor.Commands.Reconcile());

        Assert.Equal(VmState.Saved, vm.Record.State);
        Assert.Equal("/srv/web.save", vm.Record.SavePath);
        Assert.Null(vm.Pid);
    }

    [Fact]
    public async Task AMigrationCutOffAfterItsStream_KeepsItsQemu_UntilTheMigrationIsSettled()
    {
        await using var floor = new VmFloor();
        VmActor vm = await Restarted(floor, "postmigrate");
        new Hospes.Host.Migration.MigrationJournal { Direction = "outgoing", Peer = "host-b", Id = "m1", Running = true }.Write(floor.Layout.MigrationJournal(vm.Record.Uuid));
        FakeQmp qmp = floor.Qemu.Running[77].Monitor;

        await vm.RunAsync(floor.Commands.Reconcile());

        Assert.Equal(VmState.Paused, vm.Record.State);
        Assert.Equal(77, vm.Pid);
        Assert.DoesNotContain("quit", qmp.Asked);
        Assert.DoesNotContain("cont", qmp.Asked);
    }

    /// <summary>A VM recorded as running with QEMU pid 77, which (as the fake launcher knows it) reports <paramref name="status"/>.</summary>
    private static async Task<VmActor> Restarted(VmFloor floor, string status, Func<VmRecord, VmRecord>? change = null)
    {
        VmActor vm = await floor.DefineAsync(floor.Spec("web"));
        VmRecord running = vm.Record with { State = VmState.Running, Pid = 77, DomId = 1 };
        floor.Db.Update(change is null ? running : change(running));
        await floor.Vms.DisposeAsync();

        floor.Qemu.Running[77] = new FakeQemu(77, new FakeQmp { Status = status });
        return floor.RestartVms("web");
    }
}
