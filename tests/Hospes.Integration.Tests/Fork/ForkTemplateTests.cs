using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// Templates of running state (issue 16): `template create --running`, `clone --instant` (any number of times),
/// `fork --freeze`; forks saved, restored and deleted like any VM; the template deleted while its forks run.
/// </summary>
public sealed class ForkTemplateTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    /// <summary>How far a fork's clock may be off the host's once set (the step sends the host's second before its `date` runs, which under load takes seconds).</summary>
    private const long ClockSlack = 10;

    /// <summary>How long the frozen fork point waits before it is forked again: what its forks' clocks lag without the clock step.</summary>
    private static readonly TimeSpan ForkPointAge = TimeSpan.FromSeconds(40);

    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync(image);

    /// <summary>A failed test's RAM files on tmpfs go with the daemon (Daemon.DisposeAsync deletes its RamRoot).</summary>
    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task RunningTemplate_ClonesInstantlyAgainAndAgain_FreezeKeepsTheParentFrozen_ForksSaveRestoreAndOutliveTheirTemplate()
    {
        (await _d.CliAsync("disk", "create", "data", "--size", "8M")).Ok();
        await Guest.CreateAsync(_d, "web", "forkable = 1\ndisk = [ 'image:data,qcow2,xvda,w' ]");
        await RunAsync("web", "echo web > /tmp/who; printf '%-4s' web | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");

        // A named template of web's running state; web runs on.
        Assert.Contains("give one name, without {i}", (await _d.CliAsync("template", "create", "web", "--running", "--name", "x-{i}")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("template", "create", "web", "--running", "--name", "web-live")).Ok();
        TemplateInfo live = Assert.Single(await _d.JsonAsync<List<TemplateInfo>>("template", "list"));
        Assert.Equal("web-live", live.Name);
        Assert.True(live.Running);
        Assert.Contains("(running state)", (await _d.CliAsync("template", "list")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, (await _d.InfoAsync("web")).State);
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("web-live")).State);

        // Instant clones of it, twice: each starts as web was (memory and disk), then goes its own way.
        Assert.Contains("--instant and --full do not go together", (await _d.CliAsync("clone", "web-live", "g-{i}", "--instant", "--full")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("clone", "web-live", "g-{i}", "--count", "2", "--instant")).Ok();
        (await _d.CliAsync("clone", "web-live", "h-1", "--instant")).Ok();
        string[] clones = ["g-1", "g-2", "h-1"];
        foreach (string vm in clones)
        {
            Assert.Equal(VmState.Running, (await _d.InfoAsync(vm)).State);
            Assert.Equal("web web", await WhoAsync(vm));
            await RunAsync(vm, $"echo {vm} > /tmp/who; printf '%-4s' {vm} | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");
        }

        await RunAsync("web", "echo web2 > /tmp/who; printf '%-4s' web2 | dd of=/dev/vda bs=4 count=1 conv=fsync 2>/dev/null; sync");
        foreach (string vm in clones)
        {
            Assert.Equal($"{vm} {vm}", await WhoAsync(vm));
        }

        Assert.Equal("web2 web2", await WhoAsync("web"));
        Assert.Equal(clones, (await _d.JsonAsync<TemplateInfo>("template", "info", "web-live")).Clones.Where(c => c != "web"));

        // The template goes (through `delete`: it is a VM); its clones run on. A fork saves, restores and is deleted as any VM.
        Assert.Contains("`hospes delete web-live` deletes it", (await _d.CliAsync("template", "delete", "web-live")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("delete", "web-live")).Ok();
        Assert.Equal("g-1 g-1", await WhoAsync("g-1"));
        string save = Path.Combine(_d.Dir, "g-1.save");
        (await _d.CliAsync("save", "g-1", save)).Ok();
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("g-1")).State);
        (await _d.CliAsync("restore", save)).Ok();
        Assert.Equal("g-1 g-1", await WhoAsync("g-1"));
        (await _d.CliAsync("delete", "g-2", "--force")).Ok();
        Assert.Equal("h-1 h-1", await WhoAsync("h-1"));

        // web runs on its earlier fork point's memory (mapped privately), and so do its clones: a fork of either first gives
        // it memory of its own (saved and restored whole), so the fork sees what it wrote since (web2, h-1).
        (await _d.CliAsync("fork", "web", "f-1")).Ok();
        Assert.Equal("web2 web2", await WhoAsync("f-1"));
        (await _d.CliAsync("fork", "h-1", "f-2")).Ok();
        Assert.Equal("h-1 h-1", await WhoAsync("f-2"));
        Assert.Equal("web2 web2", await WhoAsync("web"));
        Assert.Equal("h-1 h-1", await WhoAsync("h-1"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_d.StateDir, "vms"), "own-memory.save", SearchOption.AllDirectories));

        // --freeze: a fresh guest stays frozen, forked again and again.
        await Guest.CreateAsync(_d, "two", "forkable = 1");
        await RunAsync("two", "echo two > /tmp/who");
        Assert.Contains("two is frozen at the fork point", (await _d.CliAsync("fork", "two", "t-1", "--freeze")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("two")).State);
        // A hospesd killed and started again finds two still frozen, with its RAM file and state, and forks it again.
        await _d.KillHardAsync();
        await _d.RestartAsync();
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("two")).State);
        (await _d.CliAsync("fork", "two", "t-2")).Ok();
        Assert.Contains(await _d.JsonAsync<List<TemplateInfo>>("template", "list"), t => t.Name == "two" && t.Running);
        foreach (string vm in (string[])["t-1", "t-2"])
        {
            Assert.Equal("two", (await RunAsync(vm, "echo \"who=$(cat /tmp/who)\"")).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("who=", StringComparison.Ordinal))["who=".Length..]);
        }

        // `start` continues the frozen VM from its fork point.
        (await _d.CliAsync("start", "two")).Ok();
        Assert.Equal(VmState.Running, (await _d.InfoAsync("two")).State);

        foreach (VmInfo v in await _d.ListAsync())
        {
            (await _d.CliAsync("delete", v.Name, "--force")).Ok();
        }

        (await _d.CliAsync("disk", "delete", "data")).Ok();
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((Directory.Exists(_d.RamRoot) && Directory.EnumerateFileSystemEntries(_d.RamRoot).Any()) || Directory.EnumerateFileSystemEntries(Path.Combine(_d.StateDir, "forks")).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "waited 30 s for the RAM files and fork bases to go with the last VM");
            await Task.Delay(200);
        }

        Assert.DoesNotContain("no volume row names", (await _d.CliAsync("disk", "check")).Ok().Stdout, StringComparison.Ordinal);
        Assert.Empty(_d.Qemus());
    }

    /// <summary>
    /// A fork without NICs takes its name before the fork command answers and its clock after (ForkService.SetClocksLater,
    /// log 781): a guest's clock stands still while its fork point is in a file, so without that step every fork of an old
    /// fork point runs behind by the fork point's age (here at least <see cref="ForkPointAge"/>). The frozen parent started
    /// again is a restore of that fork point: its clock is set the same way (ForkService.SetClockLater, told by the start).
    /// </summary>
    [Fact]
    public async Task ForksWithoutNics_OfAnOldForkPoint_HaveTheirClocksSetAfterTheForkCommand_AndSoDoesTheFrozenParentStartedAgain()
    {
        await Guest.CreateAsync(_d, "clk", "forkable = 1");
        (await _d.CliAsync("fork", "clk", "early", "--freeze")).Ok();
        Assert.Equal(VmState.Saved, (await _d.InfoAsync("clk")).State);

        // clk stays frozen at its fork point meanwhile: the point ages, the guest's clock in it does not.
        await Task.Delay(ForkPointAge);
        ForkResult forked = await _d.JsonAsync<ForkResult>("fork", "clk", "late-{i}", "--count", "2");
        Assert.Empty(forked.Failed);

        // The frozen parent itself, continued by `start` from the same old fork point (a restore): its clock is set too.
        (await _d.CliAsync("start", "clk")).Ok();
        foreach (string vm in (string[])["late-1", "late-2", "early", "clk"])
        {
            long lag = long.MaxValue;
            DateTime deadline = DateTime.UtcNow.AddSeconds(120);
            while (Math.Abs(lag) > ClockSlack)
            {
                Assert.True(DateTime.UtcNow < deadline,
                    $"{vm}'s clock is still {lag} s off the host's 120 s after the fork command; hospesd's clock lines:\n{string.Join('\n', File.ReadLines(_d.LogPath).Where(l => l.Contains("clock", StringComparison.Ordinal)))}");
                lag = await ClockLagAsync(vm);
            }
        }
    }

    private Task<string> RunAsync(string vm, string command) => GuestShell.RunAsync(_d, vm, command);

    /// <summary>The guest's `date +%s` less the host's clock read just before and after it (0 in between).</summary>
    private async Task<long> ClockLagAsync(string vm)
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string output = await RunAsync(vm, "echo \"now=$(date +%s)\"");
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long guest = long.Parse(output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("now=", StringComparison.Ordinal))["now=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        return guest < before ? guest - before : guest > after ? guest - after : 0;
    }

    /// <summary>"RAM DISK": what the guest's /tmp/who holds and the first 4 bytes of its disk, read past its cache.</summary>
    private async Task<string> WhoAsync(string vm)
    {
        string output = await RunAsync(vm, "echo 3 > /proc/sys/vm/drop_caches; echo \"who=$(cat /tmp/who) $(head -c 4 /dev/vda)\"");
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("who=", StringComparison.Ordinal))["who=".Length..].Trim();
    }
}
