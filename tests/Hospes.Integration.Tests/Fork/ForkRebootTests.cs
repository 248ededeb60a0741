using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// A fork's QEMU is started without the kernel (QEMU would keep its own 13.5 MiB copy of the tiny image's kernel, a third
/// of a fork's memory, only for a reset): every way a fork reboots (from inside, `hospes trigger VM reset`,
/// `hospes reboot`) boots it again in a new QEMU with its kernel, under its own name, and the fork point's RAM file goes
/// once no VM maps it any more.
/// </summary>
public sealed class ForkRebootTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task AFork_HoldsNoKernel_AndEveryWayOfRebootingIt_BootsItAgainInANewQemu_WithItsKernel()
    {
        await Guest.CreateAsync(_d, "p", "forkable = 1");
        ForkResult forked = await _d.JsonAsync<ForkResult>("fork", "p", "r{i}", "--count", "3");
        Assert.Empty(forked.Failed);
        string[] forks = ["r1", "r2", "r3"];

        // The forks and the parent (which continues as a fork of itself) map the fork point's RAM with no kernel in QEMU.
        var pids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string vm in forks.Append("p"))
        {
            Assert.Equal(vm, (await GuestShell.RunAsync(_d, vm, "hostname")).Trim());
            int pid = (await _d.InfoAsync(vm)).Pid!.Value;
            string[] args = QemuArgs(pid);
            Assert.DoesNotContain("-kernel", args);
            Assert.DoesNotContain("-initrd", args);
            Assert.StartsWith("reboot=shutdown,", args[Array.IndexOf(args, "-action") + 1], StringComparison.Ordinal);
            pids[vm] = pid;
        }

        Assert.Single(ForkDirs());
        var readyBefore = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string vm in forks.Append("p"))
        {
            readyBefore[vm] = Daemon.Occurrences(await _d.ConsoleLogAsync(vm), Guest.Ready);
        }

        // From inside (the kernel's reboot: QEMU reports a guest reset), by xl's trigger, by the power button.
        await using (GuestConsole console = await _d.OpenConsoleAsync("r1"))
        {
            await console.SendLineAsync("reboot -f");
        }

        (await _d.CliAsync("trigger", "r2", "reset")).Ok();
        Assert.StartsWith("r3: running", (await _d.CliAsync("reboot", "r3", "--timeout", "120")).Ok().Stdout.Trim(), StringComparison.Ordinal);

        foreach (string vm in forks)
        {
            await _d.WaitForConsoleAsync(vm, Guest.Ready, count: readyBefore[vm] + 1, limit: TimeSpan.FromMinutes(3));
            VmInfo info = await _d.InfoAsync(vm);
            Assert.Equal(VmState.Running, info.State);
            Assert.NotEqual(pids[vm], info.Pid);
            Assert.Contains("-kernel", QemuArgs(info.Pid!.Value));
            Assert.Equal(vm, (await GuestShell.RunAsync(_d, vm, "hostname")).Trim());
        }

        Assert.Contains("boots again in a new QEMU", await File.ReadAllTextAsync(_d.LogPath), StringComparison.Ordinal);

        // The parent still maps the fork point; once it boots again too, nobody does and the sweep takes the folder.
        Assert.Single(ForkDirs());
        (await _d.CliAsync("trigger", "p", "reset")).Ok();
        await _d.WaitForConsoleAsync("p", Guest.Ready, count: readyBefore["p"] + 1, limit: TimeSpan.FromMinutes(3));
        for (int i = 0; i < 60 && ForkDirs().Count > 0; i++)
        {
            await Task.Delay(500);
        }

        Assert.Empty(ForkDirs());
        Assert.Equal(4, _d.Qemus().Count);
    }

    private static string[] QemuArgs(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');

    private List<string> ForkDirs() => Directory.Exists(_d.RamRoot) ? [.. Directory.EnumerateDirectories(_d.RamRoot, "fork-*")] : [];
}
