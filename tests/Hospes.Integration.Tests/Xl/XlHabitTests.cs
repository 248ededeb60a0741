using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>xl's flags a Xen admin types out of habit, on a real guest through the real CLI: create -p, save -c / -p, list -l, shutdown -a -w.</summary>
public sealed class XlHabitTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task CreatePaused_HoldsTheGuest_SaveCheckpoint_KeepsIt_ListLong_ShowsTheSpec_AndShutdownAllWaitsForEveryRunningGuest()
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

        // create -p: QEMU is up, the guest waits before its first instruction until unpause.
        string cfg = _d.WriteConfig("held.cfg", Guest.Config("held"));
        (await _d.CliAsync("create", "-p", cfg)).Ok();
        VmInfo held = await _d.InfoAsync("held");
        Assert.Equal(VmState.Paused, held.State);
        Assert.NotNull(held.Pid);
        Assert.DoesNotContain(Guest.Ready, await _d.ConsoleLogAsync("held"), StringComparison.Ordinal);

        VmInfo[] full = Wire.Read<VmInfo[]>((await _d.CliAsync("list", "-l")).Ok().Stdout);
        Assert.Equal(2, full.Length);
        Assert.Equal(192, full.Single(v => v.Name == "habit").Spec!.MemoryMib);

        (await _d.CliAsync("unpause", "held")).Ok();
        await _d.WaitForConsoleAsync("held", Guest.Ready);

        Assert.Contains("shutdown needs a VM name, or -a for every running VM", (await _d.CliAsync("shutdown")).Stderr, StringComparison.Ordinal);
        Assert.Contains("drop 'habit', or drop -a", (await _d.CliAsync("shutdown", "-a", "habit")).Stderr, StringComparison.Ordinal);

        CliResult down = (await _d.CliAsync("shutdown", "-a", "-w")).Ok();
        Assert.Contains("habit", down.Stdout, StringComparison.Ordinal);
        Assert.Contains("held", down.Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("habit")).State);
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("held")).State);

        // The guest ran on after its checkpoint, so its disks moved on: restoring it now is refused, not silently wrong.
        Assert.Contains("may have written to its disks since this save", (await _d.CliAsync("restore", checkpoint)).Fails(), StringComparison.Ordinal);
    }
}
