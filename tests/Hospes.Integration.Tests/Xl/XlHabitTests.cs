using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>xl's flags a Xen admin types out of habit, on a real guest through the real CLI: save -c / -p, list -l, shutdown -a -w.</summary>
public sealed class XlHabitTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task SaveCheckpoint_KeepsTheGuest_ListLong_ShowsTheSpec_AndShutdownAllWaitsForEveryRunningGuest()
    {
        await Guest.CreateAsync(_d, "habit");

        // save -c: a checkpoint, the guest runs on in the same QEMU; -p: it stays, paused.
        int pid = (await _d.InfoAsync("habit")).Pid!.Value;
        string checkpoint = Path.Combine(_d.Dir, "habit.ckpt");
        (await _d.CliAsync("save", "-c", "habit", checkpoint)).Ok();
        Assert.True(new FileInfo(checkpoint).Length > 1 << 20, "the checkpoint holds the guest's memory");
        VmInfo after = await _d.InfoAsync("habit");
        Assert.Equal((VmState.Running, pid), (after.State, after.Pid!.Value));
        Assert.Equal("alive", await GuestShell.RunAsync(_d, "habit", "echo alive"));
        (await _d.CliAsync("save", "-p", "habit", Path.Combine(_d.Dir, "habit.paused"))).Ok();
        Assert.Equal(VmState.Paused, (await _d.InfoAsync("habit")).State);
        (await _d.CliAsync("unpause", "habit")).Ok();
        Assert.Equal("alive", await GuestShell.RunAsync(_d, "habit", "echo alive"));

        VmInfo[] full = Wire.Read<VmInfo[]>((await _d.CliAsync("list", "-l")).Ok().Stdout);
        VmInfo vm = Assert.Single(full);
        Assert.Equal(192, vm.Spec!.MemoryMib);

        Assert.Contains("shutdown needs a VM name, or -a for every running VM", (await _d.CliAsync("shutdown")).Stderr, StringComparison.Ordinal);
        Assert.Contains("drop 'habit', or drop -a", (await _d.CliAsync("shutdown", "-a", "habit")).Stderr, StringComparison.Ordinal);

        CliResult down = (await _d.CliAsync("shutdown", "-a", "-w")).Ok();
        Assert.Contains("habit", down.Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("habit")).State);

        // The guest ran on after its checkpoint, so its disks moved on: restoring it now is refused, not silently wrong.
        Assert.Contains("may have written to its disks since this save", (await _d.CliAsync("restore", checkpoint)).Fails(), StringComparison.Ordinal);
    }
}
