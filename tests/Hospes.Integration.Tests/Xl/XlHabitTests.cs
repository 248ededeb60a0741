using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Xl;

/// <summary>xl's flags a Xen admin types out of habit, on a real guest through the real CLI: list -l, shutdown -a -w.</summary>
public sealed class XlHabitTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task ListLong_ShowsTheSpec_AndShutdownAllWaitsForEveryRunningGuest()
    {
        await Guest.CreateAsync(_d, "habit");

        VmInfo[] full = Wire.Read<VmInfo[]>((await _d.CliAsync("list", "-l")).Ok().Stdout);
        VmInfo vm = Assert.Single(full);
        Assert.Equal(192, vm.Spec!.MemoryMib);

        Assert.Contains("shutdown needs a VM name, or -a for every running VM", (await _d.CliAsync("shutdown")).Stderr, StringComparison.Ordinal);
        Assert.Contains("drop 'habit', or drop -a", (await _d.CliAsync("shutdown", "-a", "habit")).Stderr, StringComparison.Ordinal);

        CliResult down = (await _d.CliAsync("shutdown", "-a", "-w")).Ok();
        Assert.Contains("habit", down.Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("habit")).State);
    }
}
