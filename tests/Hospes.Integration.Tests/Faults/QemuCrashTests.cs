using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Faults;

public sealed class QemuCrashTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task KilledQemu_WithOnCrashRestart_IsMarkedAndStartedAgain()
    {
        await Guest.CreateAsync(_d, "web", "on_crash = 'restart'");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;

        HostProcesses.Kill(pid);

        await _d.WaitForConsoleAsync("web", Guest.Ready, count: 2);
        VmInfo info = await _d.InfoAsync("web");
        Assert.Equal(VmState.Running, info.State);
        Assert.Equal(1, info.CrashCount);
        Assert.NotEqual(pid, info.Pid);
        Assert.Contains($"QEMU (pid {pid}) exited unexpectedly", info.LastError, StringComparison.Ordinal);
        Assert.Single(_d.Qemus());
    }

    [Fact]
    public async Task KilledQemu_WithOnCrashDestroy_LeavesTheVmCrashed()
    {
        await Guest.CreateAsync(_d, "web", "on_crash = 'destroy'");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;

        HostProcesses.Kill(pid);
        await HostProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));

        VmInfo info = await WaitForStateAsync("web", VmState.Crashed);
        Assert.Equal("----c-", info.Flags);
        Assert.Null(info.Pid);
        Assert.Empty(_d.RuntimeFiles());
        (await _d.CliAsync("start", "web")).Ok();
        await _d.WaitForConsoleAsync("web", Guest.Ready, count: 2);
    }

    [Fact]
    public async Task GuestKernelPanic_WithOnCrashPreserve_KeepsTheCrashedQemuUntilDestroy()
    {
        await Guest.CreateAsync(_d, "web", "on_crash = 'preserve'");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync("echo c > /proc/sysrq-trigger");
        }

        VmInfo crashed = await WaitForStateAsync("web", VmState.Crashed);
        Assert.Equal("the guest kernel panicked", crashed.LastError);
        Assert.Equal(pid, crashed.Pid);
        Assert.True(HostProcesses.IsAlive(pid));

        (await _d.CliAsync("destroy", "web")).Ok();
        await HostProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("web")).State);
    }

    [Fact]
    public async Task KilledQemuWhileHospesdIsDown_IsFoundCrashedAtRestart_AndOnCrashApplied()
    {
        await Guest.CreateAsync(_d, "web", "on_crash = 'restart'");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;
        await _d.KillHardAsync();
        HostProcesses.Kill(pid);
        await HostProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));

        await _d.RestartAsync();

        await _d.WaitForConsoleAsync("web", Guest.Ready, count: 2);
        VmInfo info = await _d.InfoAsync("web");
        Assert.Equal(VmState.Running, info.State);
        Assert.Equal(1, info.CrashCount);
        Assert.Contains("was gone when hospesd started", info.LastError, StringComparison.Ordinal);
    }

    private async Task<VmInfo> WaitForStateAsync(string name, VmState state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            VmInfo info = await _d.InfoAsync(name);
            if (info.State == state)
            {
                return info;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{name} is {info.State}, not {state}");
            await Task.Delay(200);
        }
    }
}
