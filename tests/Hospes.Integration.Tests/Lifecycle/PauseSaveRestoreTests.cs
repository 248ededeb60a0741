using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Lifecycle;

public sealed class PauseSaveRestoreTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task Pause_StopsTheGuest_AndUnpauseContinuesIt()
    {
        await Guest.CreateAsync(_d, "web");
        await using GuestConsole console = await _d.OpenConsoleAsync("web");
        await console.SendLineAsync(Guest.StartCounter);
        await console.WaitForAsync("^tick 3\r?$");

        (await _d.CliAsync("pause", "web")).Ok();
        VmInfo paused = await _d.InfoAsync("web");
        Assert.Equal(VmState.Paused, paused.State);
        Assert.Equal("--p---", paused.Flags);
        int ticksAtPause = Guest.Ticks(console.Output).Max();
        await Task.Delay(1500);
        Assert.True(Guest.Ticks(console.Output).Max() <= ticksAtPause + 1, "the guest kept running while paused");

        string again = (await _d.CliAsync("pause", "web")).Fails();
        Assert.Equal("hospes: cannot pause web: it is paused; unpause it with `hospes unpause web`", again);

        (await _d.CliAsync("unpause", "web")).Ok();
        await console.WaitForAsync($"^tick {ticksAtPause + 5}\r?$");
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);
    }

    [Fact]
    public async Task SaveAndRestore_TheGuestContinuesWhereItWas_WithoutARebooot()
    {
        await Guest.CreateAsync(_d, "web");
        int firstPid = (await _d.InfoAsync("web")).Pid!.Value;
        int lastBeforeSave;
        await using (GuestConsole console = await _d.OpenConsoleAsync("web"))
        {
            await console.SendLineAsync(Guest.StartCounter);
            await console.WaitForAsync("^tick 10\r?$");
            string saveFile = Path.Combine(_d.Dir, "web.save");

            (await _d.CliAsync("save", "web", saveFile)).Ok();

            lastBeforeSave = Guest.Ticks(await _d.ConsoleLogAsync("web")).Max();
            VmInfo saved = await _d.InfoAsync("web");
            Assert.Equal(VmState.Saved, saved.State);
            Assert.Equal(saveFile, saved.SavePath);
            Assert.Null(saved.Pid);
            Assert.Empty(_d.Qemus());
            Assert.Empty(_d.RuntimeFiles());
            Assert.True(new FileInfo(saveFile).Length > 1024 * 1024);
            await console.WaitClosedAsync(TimeSpan.FromSeconds(5));

            string stopped = (await _d.CliAsync("save", "web", saveFile + "2")).Fails();
            Assert.StartsWith("hospes: cannot save web: it is saved", stopped, StringComparison.Ordinal);

            (await _d.CliAsync("restore", saveFile)).Ok();
        }

        VmInfo restored = await _d.InfoAsync("web");
        Assert.Equal(VmState.Running, restored.State);
        Assert.NotEqual(firstPid, restored.Pid);
        string log = await _d.WaitForConsoleAsync("web", $"tick {lastBeforeSave + 5}");
        IReadOnlyList<int> ticks = Guest.Ticks(log);
        int afterRestore = ticks.SkipWhile(t => t != lastBeforeSave).Skip(1).First();
        Assert.Equal(lastBeforeSave + 1, afterRestore);
        Assert.Equal(1, log.Split(Guest.Ready).Length - 1);
    }

    [Fact]
    public async Task SaveAndRestore_LoseNoPageTheGuestWrote_AndKeepTheRamItBootedWith()
    {
        // Booted with 256 MiB, ballooned to 192: a restore must give QEMU the 256 MiB again.
        string disk = MemCheck.Disk(_d.Dir);
        await Guest.CreateAsync(_d, "mc", $"maxmem = 256\ndisk = [ 'file:{disk},xvda,r' ]");
        await GuestShell.RunAsync(_d, "mc", MemCheck.Start(96));
        int passes = 3;
        for (int round = 1; round <= 3; round++)
        {
            await MemCheck.WaitForPassAsync(_d, "mc", passes);
            string saveFile = Path.Combine(_d.Dir, $"mc{round}.save");
            (await _d.CliAsync("save", "mc", saveFile)).Ok();
            (await _d.CliAsync("restore", saveFile)).Ok();
            File.Delete(saveFile);
            passes = MemCheck.Passes(await _d.ConsoleLogAsync("mc")).Max() + 3;
        }

        string log = await MemCheck.WaitForPassAsync(_d, "mc", passes);
        Assert.False(MemCheck.FoundStale(log), log[Math.Max(0, log.IndexOf("memcheck STALE", StringComparison.Ordinal))..]);
        IReadOnlyList<int> seen = MemCheck.Passes(log);
        Assert.Equal(Enumerable.Range(1, seen.Count), seen);
        Assert.Equal(1, log.Split(Guest.Ready).Length - 1);
        VmMemoryInfo m = (await _d.JsonAsync<TopInfo>("top", "--once")).Vms.Single();
        Assert.Equal((256, 192), (m.BootedMib, m.MemoryMib));
    }

    [Fact]
    public async Task Restore_OfAFileThatIsNotASave_IsRefusedAndDefinesNothing()
    {
        string junk = Path.Combine(_d.Dir, "junk.save");
        await File.WriteAllBytesAsync(junk, new byte[64 * 1024]);

        string reason = (await _d.CliAsync("restore", junk)).Fails();

        Assert.Contains("is not a Hospes save file", reason, StringComparison.Ordinal);
        Assert.Empty(await _d.ListAsync());
        string missing = (await _d.CliAsync("restore", Path.Combine(_d.Dir, "nope.save"))).Fails();
        Assert.Contains("does not exist", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_OfAStoppedVm_IsRefused()
    {
        string cfg = _d.WriteConfig("web.cfg", Guest.Config("web"));
        (await _d.CliAsync("define", cfg)).Ok();

        string reason = (await _d.CliAsync("save", "web", Path.Combine(_d.Dir, "web.save"))).Fails();

        Assert.Equal("hospes: cannot save web: it is shutoff; start it with `hospes start web`", reason);
        Assert.False(File.Exists(Path.Combine(_d.Dir, "web.save")));
    }
}
