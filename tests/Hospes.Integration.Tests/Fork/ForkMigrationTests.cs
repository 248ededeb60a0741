using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Integration.Tests.Support;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Fork;

/// <summary>
/// Forks live-migrate like any VM (issue 16: "a migrated fork takes its pages with it"): two hospesd in namespaces of their
/// own joined by a link, as in Hosts/MigrationTests. A fork's RAM is a private mapping of its fork point's file on A; on B
/// its QEMU gets memory of its own (the stream carries every page), and A's RAM file goes with the last VM that maps it
/// there. A VM frozen at a fork point is refused: its forks map its file on this host.
/// </summary>
[Collection(HospesTests.Exclusive)]
public sealed class ForkMigrationTests(TinyImage image) : IAsyncLifetime
{
    private const string HostA = "203.0.113.1";
    private const string HostB = "203.0.113.2";
    private NetNs _nsA = null!;
    private NetNs _nsB = null!;
    private Daemon _a = null!;
    private Daemon _b = null!;
    private string _shared = null!;

    public async Task InitializeAsync()
    {
        _nsA = await NetNs.CreateAsync();
        _nsB = await NetNs.CreateAsync();
        await NetNs.LinkAsync(_nsA, _nsB, HostA + "/24", HostB + "/24");
        // The memory checker's disk, read-only, at the same path on both hosts.
        _shared = Directory.CreateTempSubdirectory("hit-shared-").FullName;
        string conf = Path.Combine(_shared, "hospesd.conf");
        File.WriteAllText(conf, $"migration.allow_paths = {_shared}\n");
        _a = await Daemon.StartAsync(image, _nsA, "--listen", HostA + ":8443", "--host-name", "host-a", "--config", conf);
        _b = await Daemon.StartAsync(image, _nsB, "--listen", HostB + ":8443", "--host-name", "host-b", "--config", conf);
        string token = (await _b.CliAsync("host", "token")).Ok().Stdout.Trim().Split('\n')[^1].Trim();
        (await _a.CliAsync("host", "add", "host-b", HostB + ":8443", "--token", token)).Ok();
        await Task.WhenAll(_a.HostInfoAsync(), _b.HostInfoAsync());
    }

    public async Task DisposeAsync()
    {
        // A failed test's RAM files on tmpfs go with each daemon (Daemon.DisposeAsync deletes its RamRoot).
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _nsA.DisposeAsync();
        await _nsB.DisposeAsync();
        Directory.Delete(_shared, recursive: true);
    }

    [Fact]
    public async Task AFork_MigratesWithItsOwnPages_KeepsItsName_TheRamFileOnAGoesWithTheLastMapping_AndItForksAgainThere()
    {
        string disk = MemCheck.Disk(_shared);
        await Guest.CreateAsync(_a, "web", $"forkable = 1\ndisk = [ 'file:{disk},xvda,r' ]");
        await GuestShell.RunAsync(_a, "web", MemCheck.Start(16, intervalMs: 200));
        await MemCheck.WaitForPassAsync(_a, "web", 2);
        ForkResult forked = await _a.JsonAsync<ForkResult>("fork", "web", "web-{i}", "--count", "2");
        Assert.Empty(forked.Failed);
        string forkDir = Assert.Single(ForkDirs(_a));
        foreach (string vm in (string[])["web-1", "web-2"])
        {
            Assert.Equal(vm, await HostNameAsync(_a, vm));
            await GuestShell.RunAsync(_a, vm, $"echo {vm} > /tmp/who");
        }

        // web-1 goes to B, live; its memory checker runs on there with every page it had, its name and /tmp with it.
        int last = MemCheck.Passes(await _a.ConsoleLogAsync("web-1")).Max();
        MigrationSummary s = await _a.JsonAsync<MigrationSummary>("migrate", "web-1", "host-b", "--downtime-ms", "1000");
        Assert.Equal(("web-1", "host-b", "live"), (s.Vm, s.To, s.Mode));
        Assert.Equal(VmState.Running, (await _b.InfoAsync("web-1")).State);
        // B's console starts mid-run: the counter goes on from where it was on A, no page lost.
        string log = await MorePassesAsync(_b, "web-1");
        Assert.False(MemCheck.FoundStale(log), log);
        Assert.True(MemCheck.Passes(log).Min() > last, $"memcheck was at pass {last} on A, B's console starts at {MemCheck.Passes(log).Min()}");
        Assert.Equal("web-1", await HostNameAsync(_b, "web-1"));
        Assert.Equal("who=web-1", Line(await GuestShell.RunAsync(_b, "web-1", "echo \"who=$(cat /tmp/who)\""), "who="));

        // B's QEMU has memory of its own, nothing of A's: its RAM is its own shared file in B's folder, which it forks from.
        string cmdline = File.ReadAllText($"/proc/{_b.Qemus().Single()}/cmdline");
        Assert.DoesNotContain(_a.RamRoot, cmdline, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_b.RamRoot, $"{(await _b.InfoAsync("web-1")).Uuid:N}.ram"), cmdline, StringComparison.Ordinal);
        ForkResult again = await _b.JsonAsync<ForkResult>("fork", "web-1", "b-{i}", "--count", "1");
        Assert.Equal(["b-1"], again.Forks.Select(f => f.Name));
        Assert.Equal("b-1", await HostNameAsync(_b, "b-1"));
        Assert.Equal("who=web-1", Line(await GuestShell.RunAsync(_b, "b-1", "echo \"who=$(cat /tmp/who)\""), "who="));

        // On A the fork's file stays while web (continued as a fork of itself) and web-2 map it, and goes with the last.
        Assert.Equal(["web", "web-2"], (await _a.ListAsync()).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal([forkDir], ForkDirs(_a));
        string log2 = await MorePassesAsync(_a, "web-2");
        Assert.False(MemCheck.FoundStale(log2), log2);
        (await _a.CliAsync("delete", "web", "--force")).Ok();
        Assert.Equal([forkDir], ForkDirs(_a));
        (await _a.CliAsync("delete", "web-2", "--force")).Ok();
        await WaitAsync(() => ForkDirs(_a).Count == 0 && RamFiles(_a).Count == 0, "A's fork folder to go with the last VM mapping it");
        Assert.Empty(_a.Qemus());

        // web-1 on B does not need A's file: it runs on.
        log = await MorePassesAsync(_b, "web-1");
        Assert.False(MemCheck.FoundStale(log), log);
    }

    [Fact]
    public async Task AFrozenTemplatesChild_MigratesAndSavesAndRestores_TheTemplateItselfIsRefused()
    {
        await Guest.CreateAsync(_a, "tpl", "forkable = 1");
        await GuestShell.RunAsync(_a, "tpl", "echo tpl > /tmp/who");
        (await _a.CliAsync("template", "create", "tpl", "--running", "--name", "tpl-live")).Ok();
        (await _a.CliAsync("clone", "tpl-live", "c-{i}", "--count", "2", "--instant")).Ok();

        // The frozen VM is refused with what to do instead; nothing moved.
        string refused = (await _a.CliAsync("migrate", "tpl-live", "host-b")).Fails();
        Assert.Contains("cannot migrate tpl-live: it is frozen as a template of running state", refused, StringComparison.Ordinal);
        Assert.Contains("migrate its forks", refused, StringComparison.Ordinal);
        Assert.Empty(await _b.ListAsync());
        Assert.Equal(VmState.Saved, (await _a.InfoAsync("tpl-live")).State);

        // A child saves and restores as any VM (its RAM whole into the save file), and is then forkable itself.
        string save = Path.Combine(_a.Dir, "c-2.save");
        (await _a.CliAsync("save", "c-2", save)).Ok();
        (await _a.CliAsync("restore", save)).Ok();
        Assert.Equal("c-2", await HostNameAsync(_a, "c-2"));
        Assert.Equal("who=tpl", Line(await GuestShell.RunAsync(_a, "c-2", "echo \"who=$(cat /tmp/who)\""), "who="));
        (await _a.CliAsync("fork", "c-2", "c2-{i}", "--count", "1")).Ok();
        Assert.Equal("c2-1", await HostNameAsync(_a, "c2-1"));

        // A child migrates and keeps what it had.
        await GuestShell.RunAsync(_a, "c-1", "echo c-1 > /tmp/who");
        Assert.Equal("live", (await _a.JsonAsync<MigrationSummary>("migrate", "c-1", "host-b", "--downtime-ms", "1000")).Mode);
        Assert.Equal("c-1", await HostNameAsync(_b, "c-1"));
        Assert.Equal("who=c-1", Line(await GuestShell.RunAsync(_b, "c-1", "echo \"who=$(cat /tmp/who)\""), "who="));
        Assert.DoesNotContain(_a.RamRoot, File.ReadAllText($"/proc/{_b.Qemus().Single()}/cmdline"), StringComparison.Ordinal);

        // The template's file stays on A while the template names it (beside c-2's own fork point), and goes with it.
        Assert.Equal(2, ForkDirs(_a).Count);
        foreach (VmInfo v in await _a.ListAsync())
        {
            (await _a.CliAsync("delete", v.Name, "--force")).Ok();
        }

        await WaitAsync(() => ForkDirs(_a).Count == 0 && RamFiles(_a).Count == 0, "A's RAM files to go with the last VM");
        Assert.Empty(_a.Qemus());
    }

    /// <summary>The console once the memory checker made two more passes than it shows now (waiting for its first if none).</summary>
    private static async Task<string> MorePassesAsync(Daemon d, string vm)
    {
        await d.WaitForConsoleAsync(vm, "memcheck pass ");
        int now = MemCheck.Passes(await d.ConsoleLogAsync(vm)).Max();
        return await MemCheck.WaitForPassAsync(d, vm, now + 2);
    }

    private static async Task<string> HostNameAsync(Daemon d, string vm) =>
        Line(await GuestShell.RunAsync(d, vm, "echo \"host=$(hostname)\""), "host=")["host=".Length..];

    private static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(prefix, StringComparison.Ordinal));


    private static List<string> ForkDirs(Daemon d) => Directory.Exists(d.RamRoot) ? [.. Directory.EnumerateDirectories(d.RamRoot, "fork-*")] : [];

    private static List<string> RamFiles(Daemon d) => Directory.Exists(d.RamRoot) ? [.. Directory.EnumerateFiles(d.RamRoot, "*.ram")] : [];

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited 30 s for {what}");
            await Task.Delay(100);
        }
    }
}
