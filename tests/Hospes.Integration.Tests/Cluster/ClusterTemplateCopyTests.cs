using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// A member's copy of another member's template checked with its home (issue 17), with three hosts in namespaces on one
/// switch (203.0.113.1-3; three, so the cluster keeps its etcd quorum while one is down): a clone run asked of B, whose
/// copy of A's template is stale, is refused while a linked clone stands on the copy and refreshed from A once none
/// does; with A down it uses B's copy and says so; a copy whose template A deleted while B was down is kept and marked
/// while a linked clone stands on it, and dropped once B is back and none does.
/// </summary>
public sealed class ClusterTemplateCopyTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(600);
    private readonly ClusterLab _lab = new(image);
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        (_a, _b, _c) = await _lab.StartAsync();
        await _lab.FormAsync("copies", waitUp: false);
        await AllUpAsync();
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task ACloneRunOnACopy_AsksItsHomeFirst_AndACopyWhoseTemplateWasDeletedWhileItsHostWasDown_GoesWhenItIsBack()
    {
        // A's template, spread to B by a clone run on A: B's copy, c-1 a linked clone on it.
        await MakeTemplateOnAAsync("one");
        CloneEvent spread = await CloneAsync(_a, "c-1");
        Assert.True(spread.Failed == 0, string.Join("; ", spread.Failures));
        TemplateInfo first = await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl");
        Assert.Equal("host-a", first.CopiedFrom);

        // A replaces its template while B is down (B's copy and c-1 stay as they were).
        await ReplaceOnAWhileDownAsync(_b, "two");

        // Asked of B: B asks A first; its copy is stale and c-1 stands on it: refused, naming c-1, A and what to do.
        string refused = (await _b.CliWithinAsync(Long, null, "clone", "tmpl", "d-1", "--host", "host-b")).Fails();
        Assert.Contains("host 'host-b' has an older copy of template 'tmpl' (host 'host-a''s template was changed or made again since)", refused, StringComparison.Ordinal);
        Assert.Contains("(c-1)", refused, StringComparison.Ordinal);
        Assert.Equal(Sum(first), Sum(await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl")));
        Assert.DoesNotContain("d-1", (await _b.JsonAsync<List<VmInfo>>("list", "--local")).Select(v => v.Name));

        // c-1 gone: the run asked of B has A send its template first; d-1 stands on A's new disks.
        (await _b.CliAsync("delete", "c-1")).Ok();
        CloneEvent refreshed = await CloneAsync(_b, "d-1");
        Assert.True(refreshed.Failed == 0, string.Join("; ", refreshed.Failures));
        Assert.Empty(refreshed.Warnings);
        TemplateInfo second = await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl");
        Assert.NotEqual(Sum(first), Sum(second));
        Assert.Equal("host-a", second.CopiedFrom);
        Assert.Equal(["d-1"], second.Clones);
        Assert.Equal(["200"], await AuditAsync(_a, "POST /v1/cluster/templates/tmpl"));
        Assert.Equal(["200", "200"], await AuditAsync(_b, "PUT /v1/cluster/templates/tmpl"));

        // B's copy now current (A's template is an overlay, sent flattened: its identity, not its checksum, says so): nothing sent.
        CloneEvent current = await CloneAsync(_b, "d-2");
        Assert.True(current.Failed == 0, string.Join("; ", current.Failures));
        Assert.Equal(["200"], await AuditAsync(_a, "POST /v1/cluster/templates/tmpl"));
        Assert.Equal(Sum(second), Sum(await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl")));
        (await _b.CliAsync("delete", "d-2")).Ok();

        // A down (hospesd killed): a run asked of B uses B's copy (the same disks as A's last answer) and says so.
        await _a.KillHardAsync();
        CloneEvent homeDown = await CloneAsync(_b, "e-1");
        Assert.True(homeDown.Failed == 0, string.Join("; ", homeDown.Failures));
        Assert.Contains("host 'host-a', the home of template 'tmpl', did not answer", Assert.Single(homeDown.Warnings), StringComparison.Ordinal);
        Assert.Contains("e-1", (await _b.JsonAsync<List<VmInfo>>("list", "--local")).Select(v => v.Name));
        await _a.RestartAsync();
        await AllUpAsync();

        // B down while A deletes the template (d-1 deleted first; e-1 still stands on B's copy): B back keeps the copy, marked.
        (await _b.CliAsync("delete", "d-1")).Ok();
        await DownAsync(_b, "host-b");
        (await _a.CliAsync("template", "delete", "tmpl")).Ok();
        await _b.RestartAsync();
        await AllUpAsync();
        TemplateInfo marked = (await WaitForTemplateAsync(_b, t => t is { CopyOfDeleted: true }, "B's copy marked as a copy of a deleted template"))!;
        Assert.Equal(["e-1"], marked.Clones);
        Assert.Contains("(copy of a deleted template)", (await _b.CliAsync("template", "list")).Ok().Stdout, StringComparison.Ordinal);
        string orphan = (await _b.CliAsync("clone", "tmpl", "f-1", "--host", "host-b")).Fails();
        Assert.Contains("is a copy of host 'host-a''s template, which was deleted there (1 linked clone(s) stand on it here: e-1)", orphan, StringComparison.Ordinal);

        // e-1 gone: B's next check with A drops the copy (rows and folder).
        (await _b.CliAsync("delete", "e-1")).Ok();
        await WaitForTemplateAsync(_b, t => t is null, "B's copy of the deleted template dropped");
        Assert.False(Directory.Exists(Path.Combine(_b.StateDir, "templates", "tmpl")));
        await LogSaysAsync(_b, "its home host host-a deleted the template; this host keeps its copy");
    }

    [Fact]
    public async Task ACopyWhoseTemplateWasDeletedWhileItsHostWasDown_AndNoCloneStandsOnIt_IsDroppedWhenTheHostIsBack()
    {
        await MakeTemplateOnAAsync("one");
        CloneEvent spread = await CloneAsync(_a, "c-1");
        Assert.True(spread.Failed == 0, string.Join("; ", spread.Failures));
        (await _b.CliAsync("delete", "c-1")).Ok();
        Assert.Equal("host-a", (await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl")).CopiedFrom);

        // B's hospesd stopped while A deletes the template: A's delete does not wait for B, B keeps its copy meanwhile.
        await DownAsync(_b, "host-b");
        (await _a.CliAsync("template", "delete", "tmpl")).Ok();
        Assert.True(Directory.Exists(Path.Combine(_b.StateDir, "templates", "tmpl")));

        // B back: its copy goes once it has asked A.
        await _b.RestartAsync();
        await AllUpAsync();
        await WaitForTemplateAsync(_b, t => t is null, "B's copy of the deleted template dropped");
        Assert.False(Directory.Exists(Path.Combine(_b.StateDir, "templates", "tmpl")));
        await LogSaysAsync(_b, "this host's copy was deleted, its home host host-a deleted the template");
    }

    /// <summary>Stops <paramref name="d"/>'s hospesd (SIGKILL) and waits until A (or B) sees it down.</summary>
    private async Task DownAsync(Daemon d, string name)
    {
        await d.KillHardAsync();
        Daemon watcher = d == _a ? _b : _a;
        await ClusterWait.HostsAsync(watcher, h => h.Any(x => x.Name == name && x.State == "down"), TimeSpan.FromSeconds(120));
    }

    /// <summary>With <paramref name="down"/> stopped: A deletes its template and makes it again from other content; then <paramref name="down"/> back.</summary>
    private async Task ReplaceOnAWhileDownAsync(Daemon down, string content)
    {
        await DownAsync(down, "host-b");
        (await _a.CliAsync("template", "delete", "tmpl")).Ok();
        await MakeTemplateOnAAsync(content);
        await down.RestartAsync();
        await AllUpAsync();
    }

    /// <summary>A fresh image holding data.txt = <paramref name="content"/>, a VM defined on A on it (never started), made template "tmpl".</summary>
    private async Task MakeTemplateOnAAsync(string content)
    {
        string disk = await Disks.Ext4Async(_a.Dir, $"data-{content}", new Dictionary<string, string> { ["data.txt"] = content + "\n" });
        (await _a.CliAsync("image", "import", disk, "--name", $"data-{content}")).Ok();
        string cfg = _a.WriteConfig($"base-{content}.cfg", Guest.Config($"base-{content}", $"disk = [ 'image:data-{content},qcow2,xvda,w' ]"));
        (await _a.CliAsync("define", cfg, "--host", "host-a")).Ok();
        (await _a.CliAsync("template", "create", $"base-{content}", "--name", "tmpl")).Ok();
    }

    /// <summary>`clone tmpl NAME --host host-b` asked of <paramref name="asked"/>: its summary line.</summary>
    private static async Task<CloneEvent> CloneAsync(Daemon asked, string name)
    {
        CliResult r = await asked.CliWithinAsync(Long, null, "clone", "tmpl", name, "--host", "host-b", "--format", "json");
        Assert.True(r.Stdout.Length > 0, $"hospes clone tmpl {name}: {r.Stderr}\n{asked.LogTail(40)}");
        return Wire.Read<CloneEvent>(r.Stdout);
    }

    /// <summary>B's template "tmpl" (null: none) until <paramref name="done"/> holds; 150 s (the copies are checked every 30 s).</summary>
    private static async Task<TemplateInfo?> WaitForTemplateAsync(Daemon d, Func<TemplateInfo?, bool> done, string what)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(150);
        TemplateInfo? t = null;
        while (DateTime.UtcNow < deadline)
        {
            t = (await d.JsonAsync<List<TemplateInfo>>("template", "list")).FirstOrDefault(x => x.Name == "tmpl");
            if (done(t))
            {
                return t;
            }

            await Task.Delay(1000);
        }

        Assert.Fail($"{what}: never; last: {(t is null ? "none" : $"clones [{string.Join(", ", t.Clones)}], copy of deleted {t.CopyOfDeleted}")}\n{d.LogTail(40)}");
        return t;
    }

    /// <summary>Waits (30 s) until <paramref name="d"/>'s log has <paramref name="text"/>.</summary>
    private static async Task LogSaysAsync(Daemon d, string text)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.ReadAllText(d.LogPath).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the log of {d.StateDir} never said \"{text}\"\n{d.LogTail(30)}");
            await Task.Delay(500);
        }
    }

    private static string Sum(TemplateInfo t) => Assert.Single(t.Disks).Checksum ?? "";

    /// <summary>The status of each audit row of <paramref name="action"/> on <paramref name="d"/>, oldest first.</summary>
    private static async Task<List<string>> AuditAsync(Daemon d, string action) =>
        [.. (await d.JsonAsync<List<AuditEntryInfo>>("audit")).Where(e => e.Action == action).OrderBy(e => e.Time).Select(e => e.Result.Split(' ')[0])];

    private Task AllUpAsync() => _lab.WaitUpAsync(TimeSpan.FromSeconds(120));
}
