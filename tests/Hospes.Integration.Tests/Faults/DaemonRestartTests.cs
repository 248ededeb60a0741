using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Faults;

public sealed class DaemonRestartTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task KillNineOfHospesd_GuestsKeepRunningUnnoticed_AndAreControllableAfterRestart()
    {
        await Guest.CreateAsync(_d, "web");
        await Guest.CreateAsync(_d, "db");
        (await _d.CliAsync("pause", "db")).Ok();
        VmInfo before = await _d.InfoAsync("web");
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync(Guest.StartCounter);
            await console.WaitForAsync("^tick 3\r?$");
        }

        await _d.KillHardAsync();
        int ticksWhileDown = Guest.Ticks(await File.ReadAllTextAsync(before.ConsoleLog!)).Max();
        await Task.Delay(2000);
        Assert.True(Guest.Ticks(await File.ReadAllTextAsync(before.ConsoleLog!)).Max() >= ticksWhileDown + 5, "the guest stopped while hospesd was down");
        Assert.Equal(2, _d.Qemus().Count);

        await _d.RestartAsync();

        List<VmInfo> vms = await _d.ListAsync();
        Assert.Equal(["db", "web"], vms.Select(v => v.Name));
        VmInfo web = vms.Single(v => v.Name == "web");
        Assert.Equal(VmState.Running, web.State);
        Assert.Equal(before.Pid, web.Pid);
        Assert.Equal(before.Id, web.Id);
        Assert.Equal(VmState.Paused, vms.Single(v => v.Name == "db").State);

        string log = await _d.ConsoleLogAsync("web");
        Assert.Equal(1, log.Split(Guest.Ready).Length - 1);
        // Every tick from the kill on, no gap: the guest ran on without noticing. (The first ticks race the shell's
        // prompt on the serial line and may be cut into it, so they are not counted.)
        List<int> ticks = [.. Guest.Ticks(log).Where(t => t >= ticksWhileDown)];
        Assert.Equal(Enumerable.Range(ticksWhileDown, ticks.Count), ticks);

        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync("echo still-$((40+2))");
            await console.WaitForAsync("^still-42\r?$");
        }

        (await _d.CliAsync("unpause", "db")).Ok();
        (await _d.CliAsync("shutdown", "web")).Ok();
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("web")).State);
        Assert.Single(_d.Qemus());
    }

    [Fact]
    public async Task GuestPowerOffWhileHospesdIsDown_IsAppliedAtRestart()
    {
        await Guest.CreateAsync(_d, "web");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;
        await _d.KillHardAsync();

        // With hospesd gone, power the guest off from inside through the console socket QEMU serves.
        string consoleSocket = Directory.EnumerateFiles(_d.Dir, "*.console").Single();
        using (var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(consoleSocket));
            await s.SendAsync(System.Text.Encoding.ASCII.GetBytes("poweroff\n"));
            await Task.Delay(3000);
        }

        Assert.True(HostProcesses.IsAlive(pid), "QEMU waits (shutdown=pause) for hospesd to decide");
        await _d.RestartAsync();

        await HostProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("web")).State);
    }
}
