using Hospes.Client;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// A template's copies on other cluster members (issue 17), with two hosts in namespaces on one switch (203.0.113.1-2):
/// a stale copy (the template deleted and made again on A while B was down) is refused while a linked clone stands on
/// it and replaced once none does; `template delete` on A deletes B's copy, or is refused naming B's clones; the copy
/// routes take no one but a member's hospesd; `clone --instant` runs where the running template is, and a pin to
/// another host is refused.
/// </summary>
public sealed class ClusterTemplateTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(600);
    private readonly ClusterLab _lab = new(image, new() { Hosts = 2 });
    private Daemon _a = null!;
    private Daemon _b = null!;

    public async Task InitializeAsync()
    {
        (_a, _b) = await _lab.StartAsync();
        await _lab.FormAsync();
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task AStaleCopy_IsNeverUsed_ReplacedOnceNoCloneStandsOnIt_AndTheTemplatesDeleteTakesItsCopies()
    {
        await MakeTemplateOnAAsync("one");
        Assert.Equal(0, (await CloneAsync("c-1")).Failed);
        TemplateInfo first = await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl");
        Assert.Equal("host-a", first.CopiedFrom);

        // A's delete: B keeps its copy while c-1 stands on it, so nothing is deleted, and the answer names both.
        string refused = (await _a.CliAsync("template", "delete", "tmpl")).Fails();
        Assert.Contains("host 'host-b' keeps its copy of template 'tmpl': 1 linked clone(s) there stand on it (c-1)", refused, StringComparison.Ordinal);
        Assert.Contains("tmpl", (await _a.JsonAsync<List<TemplateInfo>>("template", "list")).Select(t => t.Name));

        // B down while A deletes the template and makes it again with other content: B's copy (and c-1 on it) stay.
        await _b.KillHardAsync();
        await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-b" && x.State == "down"), TimeSpan.FromSeconds(90));
        (await _a.CliAsync("template", "delete", "tmpl")).Ok();
        await MakeTemplateOnAAsync("two");
        await _b.RestartAsync();
        await _lab.WaitUpAsync(TimeSpan.FromSeconds(90));

        // The stale copy is not used while c-1 stands on it: the clone is refused, naming it; the copy is unchanged.
        CloneEvent stale = await CloneAsync("d-1");
        Assert.Equal((0, 1), (stale.Created, stale.Failed));
        string why = Assert.Single(stale.Failures);
        Assert.Contains("host 'host-b' has an older copy of template 'tmpl'", why, StringComparison.Ordinal);
        Assert.Contains("(c-1)", why, StringComparison.Ordinal);
        Assert.Equal(Sum(first), Sum(await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl")));
        Assert.DoesNotContain("d-1", (await _b.JsonAsync<List<VmInfo>>("list", "--local")).Select(v => v.Name));

        // c-1 gone: the next run replaces the copy (new disks, still A's) and d-1 stands on the new one.
        (await _b.CliAsync("delete", "c-1")).Ok();
        CloneEvent fresh = await CloneAsync("d-1");
        Assert.True(fresh.Failed == 0, string.Join("; ", fresh.Failures));
        TemplateInfo second = await _b.JsonAsync<TemplateInfo>("template", "info", "tmpl");
        Assert.NotEqual(Sum(first), Sum(second));
        Assert.Equal("host-a", second.CopiedFrom);
        Assert.Equal(["d-1"], second.Clones);
        Assert.Equal(["200", "200"], await AuditAsync(_b, "PUT /v1/cluster/templates/tmpl"));

        // No one but a member's hospesd deletes a copy through the cluster route (here root on B's socket).
        HospesApiException forbidden = await Assert.ThrowsAsync<HospesApiException>(() => _b.Client.Cluster.DeleteTemplateCopyAsync("tmpl", "host-a", CancellationToken.None));
        Assert.Contains("is not that member's hospesd", forbidden.Message, StringComparison.Ordinal);

        // d-1 gone: A's delete takes B's copy with it.
        (await _b.CliAsync("delete", "d-1")).Ok();
        (await _a.CliAsync("template", "delete", "tmpl")).Ok();
        Assert.DoesNotContain("tmpl", (await _b.JsonAsync<List<TemplateInfo>>("template", "list")).Select(t => t.Name));
        Assert.DoesNotContain("tmpl", (await _a.JsonAsync<List<TemplateInfo>>("template", "list")).Select(t => t.Name));
        // B's rows of the copy's delete: A's refused one (c-1), root's, A's that deleted it; all but root's by A's hospesd.
        Assert.Equal(["409", "403", "200"], await AuditAsync(_b, "DELETE /v1/cluster/templates/tmpl"));
        Assert.False(Directory.Exists(Path.Combine(_b.StateDir, "templates", "tmpl")));
    }

    [Fact]
    public async Task InstantClones_RunWhereTheRunningTemplateIs_APinToAnotherHostIsRefused()
    {
        await Guest.CreateOnAsync(_a, "host-a", "live", "forkable = 1");
        (await _a.CliAsync("template", "create", "live", "--running", "--name", "live-t")).Ok();

        // Asked of B: the request goes to A, which has the running template; the forks run there.
        (await _b.CliWithinAsync(Long, null, "clone", "live-t", "f-{i}", "--count", "2", "--instant")).Ok();
        List<VmInfo> listed = await _b.JsonAsync<List<VmInfo>>("list");
        Assert.Equal(["host-a", "host-a"], listed.Where(v => v.Name.StartsWith("f-", StringComparison.Ordinal)).Select(v => v.Host));
        Assert.Empty(await _b.JsonAsync<List<VmInfo>>("list", "--local"));
        Assert.Equal(VmState.Running, (await _a.InfoAsync("f-1")).State);

        // Pinned to B, from either host: refused, naming the host that has it; nothing made.
        foreach (Daemon asked in new[] { _a, _b })
        {
            string refused = (await asked.CliAsync("clone", "live-t", "g-1", "--instant", "--host", "host-b")).Fails();
            Assert.Contains("--host host-b: the forks of 'live-t' (a running VM or a running template) run on host 'host-a'", refused, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("g-1", (await _a.JsonAsync<List<VmInfo>>("list")).Select(v => v.Name));

        // Pinned to A (where it is) from B: made there.
        (await _b.CliWithinAsync(Long, null, "clone", "live-t", "g-1", "--instant", "--host", "host-a")).Ok();
        Assert.Contains("g-1", (await _a.JsonAsync<List<VmInfo>>("list", "--local")).Select(v => v.Name));
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

    /// <summary>`clone tmpl NAME --host host-b` asked of A (the template's home).</summary>
    private async Task<CloneEvent> CloneAsync(string name)
    {
        CliResult r = await _a.CliWithinAsync(Long, null, "clone", "tmpl", name, "--host", "host-b", "--format", "json");
        Assert.True(r.Stdout.Length > 0, $"hospes clone tmpl {name}: {r.Stderr}\n{_a.LogTail(40)}");
        return Wire.Read<CloneEvent>(r.Stdout);
    }

    private static string Sum(TemplateInfo t) => Assert.Single(t.Disks).Checksum ?? "";

    /// <summary>The status of each audit row of <paramref name="action"/> on <paramref name="d"/>, oldest first.</summary>
    private static async Task<List<string>> AuditAsync(Daemon d, string action) =>
        [.. (await d.JsonAsync<List<AuditEntryInfo>>("audit")).Where(e => e.Action == action).OrderBy(e => e.Time).Select(e => e.Result.Split(' ')[0])];
}
