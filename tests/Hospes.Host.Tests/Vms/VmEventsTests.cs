using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Tests.Machine;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>A VM's changes reach the event hub from its session's commit, in order, with what caused each.</summary>
public sealed class VmEventsTests
{
    [Fact]
    public async Task DefineStartDestroyDelete_PublishesEachChange_InOrder_WithItsCause()
    {
        await using var floor = new VmFloor();
        using EventSubscription s = floor.Events.Subscribe();

        VmActor vm = await floor.StartedAsync("web");
        Assert.True((await vm.RunAsync(floor.Commands.Destroy())).IsOk);
        Assert.True((await floor.Vms.DeleteAsync("web", force: false, CancellationToken.None)).IsOk);

        HostEvent[] got = await HostEventsTests.ReadAsync(s, 4);
        Assert.Equal(
            [
                "vm.defined web shutoff",
                "vm.state web shutoff->running command start",
                "vm.state web running->shutoff command destroy",
                "vm.removed web shutoff deleted",
            ],
            got.Select(e => e.Type switch
            {
                HostEventTypes.VmState => $"{e.Type} {e.Vm} {Word(e.OldState)}->{Word(e.State)} {e.Why} {e.Message}",
                HostEventTypes.VmRemoved => $"{e.Type} {e.Vm} {Word(e.State)} {e.Why}",
                _ => $"{e.Type} {e.Vm} {Word(e.State)}",
            }));
        Assert.All(got, e => Assert.Equal(vm.Record.Uuid, e.VmUuid));
    }

    [Fact]
    public async Task AQemuThatDies_IsPublishedAsACrash_WithWhy()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        using EventSubscription s = floor.Events.Subscribe();

        floor.QemuOf(vm).Monitor.Close();

        HostEvent crash = Assert.Single(await HostEventsTests.ReadAsync(s, 1));
        Assert.Equal((VmState.Running, VmState.Crashed, "crash"), (crash.OldState!.Value, crash.State!.Value, crash.Why));
        Assert.StartsWith("QEMU (pid ", crash.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGuestPowerOff_IsPublishedAsTheGuests()
    {
        await using var floor = new VmFloor();
        VmActor vm = await floor.StartedAsync("web");
        using EventSubscription s = floor.Events.Subscribe();

        floor.QemuOf(vm).Monitor.Emit("SHUTDOWN", """{"guest": true, "reason": "guest-shutdown"}""");

        HostEvent off = Assert.Single(await HostEventsTests.ReadAsync(s, 1));
        Assert.Equal((VmState.Running, VmState.Shutoff, "guest"), (off.OldState!.Value, off.State!.Value, off.Why));
    }

    private static string Word(VmState? s) => s?.ToString().ToLowerInvariant() ?? "-";
}
