using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Lifecycle;

public sealed class ShutdownRebootTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Reboot_TheGuestBootsAgainInTheSameQemu()
    {
        await Guest.CreateAsync(_d, "web");
        VmInfo before = await _d.InfoAsync("web");

        (await _d.CliAsync("reboot", "web")).Ok();

        await _d.WaitForConsoleAsync("web", Guest.Ready, count: 2);
        VmInfo after = await _d.InfoAsync("web");
        Assert.Equal(VmState.Running, after.State);
        Assert.Equal(before.Pid, after.Pid);
    }

    [Fact]
    public async Task Shutdown_WhileTheGuestIsStillBooting_PressesTheButtonAgainUntilItIsHeard()
    {
        await Guest.CreateAsync(_d, "web");
        (await _d.CliAsync("reboot", "web")).Ok();

        // The guest is booting again now: nothing in it listens to the power button yet.
        (await _d.CliAsync("shutdown", "web", "--timeout", "60")).Ok();

        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("web")).State);
        Assert.Empty(_d.Qemus());
    }

    [Fact]
    public async Task Shutdown_PowersTheGuestOff_AndTheQemuGoes()
    {
        await Guest.CreateAsync(_d, "web");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;

        CliResult r = (await _d.CliAsync("shutdown", "web", "--timeout", "60")).Ok();

        Assert.Equal("web: shutoff", r.Stdout.Trim());
        await HostProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
        VmInfo info = await _d.InfoAsync("web");
        Assert.Equal(VmState.Shutoff, info.State);
        Assert.Null(info.Id);
        Assert.Empty(_d.RuntimeFiles());
        Assert.Contains(Guest.Ready, await _d.ConsoleLogAsync("web"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_OfAGuestThatIgnoresThePowerButton_TimesOut_AndForceDestroysIt()
    {
        await Guest.CreateAsync(_d, "web");
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync("killall acpid; echo acpid-gone");
            await console.WaitForAsync("^acpid-gone\r?$");
        }

        string reason = (await _d.CliAsync("shutdown", "web", "--timeout", "3")).Fails();
        Assert.Equal("hospes: web did not power off within 3 s (the guest may ignore the ACPI power button); `hospes destroy web` forces it off, or add --force", reason);
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);

        (await _d.CliAsync("shutdown", "web", "--timeout", "2", "--force")).Ok();
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("web")).State);
        Assert.Empty(_d.Qemus());
    }

    [Fact]
    public async Task Destroy_KeepsTheDefinition_StartBootsAgain_DeleteNeedsForceWhileRunning()
    {
        await Guest.CreateAsync(_d, "web");

        (await _d.CliAsync("destroy", "web")).Ok();
        Assert.Equal(VmState.Shutoff, (await _d.InfoAsync("web")).State);
        Assert.Empty(_d.Qemus());
        Assert.Equal("hospes: cannot destroy web: it is shutoff; start it with `hospes start web`", (await _d.CliAsync("destroy", "web")).Fails());

        (await _d.CliAsync("start", "web")).Ok();
        await _d.WaitForConsoleAsync("web", Guest.Ready, count: 2);
        Assert.Equal("hospes: cannot start web: it is running", (await _d.CliAsync("start", "web")).Fails());

        Assert.Equal("hospes: cannot delete web: it is running; shut it down or destroy it first, or use --force", (await _d.CliAsync("delete", "web")).Fails());
        Assert.Single(_d.Qemus());

        (await _d.CliAsync("delete", "web", "--force")).Ok();
        Assert.Empty(await _d.ListAsync());
        Assert.Empty(_d.Qemus());
        Assert.Empty(_d.VmDirs());
        Assert.Empty(_d.RuntimeFiles());
        Assert.Equal("hospes: no VM named 'web' on this host; `hospes list` shows the VMs", (await _d.CliAsync("info", "web")).Fails());
    }

    [Fact]
    public async Task OnRebootOtherThanRestart_ARebootFromInside_AndTriggerReset_ApplyIt_NotAPausedGuestThatLooksRunning()
    {
        // Their QEMU has -action reboot=shutdown: a system_reset there is one more shutdown and cont is refused. Both
        // guests were left shut down inside a QEMU while their records said running (session 13).
        await Guest.CreateAsync(_d, "rr", "on_reboot = 'rename-restart'");
        await Guest.CreateAsync(_d, "rd", "on_reboot = 'destroy'");
        int pid = (await _d.InfoAsync("rr")).Pid!.Value;
        await using (GuestConsole console = await _d.OpenConsoleAsync("rr"))
        {
            await console.SendLineAsync("reboot -f");
        }

        (await _d.CliAsync("trigger", "rd", "reset")).Ok();

        await _d.WaitForConsoleAsync("rr", Guest.Ready, count: 2);
        VmInfo rr = await _d.InfoAsync("rr");
        Assert.Equal(VmState.Running, rr.State);
        Assert.NotEqual(pid, rr.Pid);
        Assert.Equal("rr", (await GuestShell.RunAsync(_d, "rr", "hostname")).Trim());
        VmInfo rd = await _d.InfoAsync("rd");
        Assert.Equal(VmState.Shutoff, rd.State);
        Assert.Single(_d.Qemus());
    }

    [Fact]
    public async Task GuestPowerOffFromInside_AppliesOnPoweroff()
    {
        await Guest.CreateAsync(_d, "web", "on_poweroff = 'restart'");
        int pid = (await _d.InfoAsync("web")).Pid!.Value;
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync("poweroff");
        }

        await _d.WaitForConsoleAsync("web", Guest.Ready, count: 2);
        VmInfo info = await _d.InfoAsync("web");
        Assert.Equal(VmState.Running, info.State);
        Assert.Equal(pid, info.Pid);
    }
}
