using System.Text.Json;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// `hospes clone` in a cluster (issue 17): three hosts, each a hospesd in its own namespace on one switch
/// (203.0.113.1-3). A template on A (an overlay on an image, not shared) cloned from A spreads over the three hosts;
/// the template is copied to B and C once and recorded there; the clones boot and read the template's disk; C lists
/// them with their hosts; --host pins a run; a cordoned host gets none.
/// </summary>
public sealed partial class ClusterCloneTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string CopyAction = "PUT /v1/cluster/templates/tmpl";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(600);
    private readonly ClusterLab _lab = new(image);
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        (_a, _b, _c) = await _lab.StartAsync();
        await _lab.FormAsync();
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task ClonesOfATemplateOnA_SpreadOverTheHosts_TheTemplateIsCopiedOnce_PinnedAndCordonedAreHonoured()
    {
        await MakeTemplateOnAAsync();

        // Six started clones from A: every host gets some, each boots and reads the template's data there.
        CloneEvent run = await CloneAsync("clone", "tmpl", "g-{i}", "--count", "6", "--start");
        Assert.True(run.Failed == 0, string.Join("; ", run.Failures));
        Assert.Equal((6, 6), (run.Created, run.Ready));
        Dictionary<string, string> hosts = new(run.Hosts!);
        Assert.Equal(["host-a", "host-b", "host-c"], hosts.Values.Distinct().Order(StringComparer.Ordinal));
        foreach (var (clone, host) in hosts)
        {
            Daemon d = _lab.On(host);
            Assert.Contains(clone, (await d.ListAsync()).Select(v => v.Name));
            await d.WaitForConsoleAsync(clone, Guest.Ready, limit: TimeSpan.FromSeconds(120));
        }

        foreach (string host in new[] { "host-b", "host-c" })
        {
            string clone = hosts.First(h => h.Value == host).Key;
            Assert.Equal("from the template", await GuestShell.RunAsync(_lab.On(host), clone, "cat /mnt/data.txt", TimeSpan.FromSeconds(120)));
            Assert.Equal(1, await CopiesAsync(_lab.On(host)));
            Assert.Contains("tmpl", (await _lab.On(host).JsonAsync<List<TemplateInfo>>("template", "list")).Select(t => t.Name));
        }

        // C lists every clone with its host; the CLI's table says so too.
        List<VmInfo> listed = await _c.JsonAsync<List<VmInfo>>("list");
        foreach (var (clone, host) in hosts)
        {
            Assert.Equal(host, Assert.Single(listed, v => v.Name == clone).Host);
        }

        // A second run does not copy the template again: B and C have it (same disks).
        CloneEvent again = await CloneAsync("clone", "tmpl", "h-{i}", "--count", "3");
        Assert.True(again.Failed == 0, string.Join("; ", again.Failures));
        Assert.Equal(3, again.Created);
        Assert.Equal((1, 1), (await CopiesAsync(_b), await CopiesAsync(_c)));

        // Pinned: all on B, and the CLI says which host got them.
        CliResult pinned = (await _a.CliWithinAsync(Long, null, "clone", "tmpl", "p-{i}", "--count", "2", "--host", "host-b")).Ok();
        Assert.Matches(new Regex(@"host-b: 2 clone\(s\): p-1, p-2"), pinned.Stdout);
        Assert.Equal(["p-1", "p-2"], (await _b.ListAsync()).Select(v => v.Name).Where(n => n.StartsWith("p-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        // Cordoned: C (its VMs gone first, so the stop-mode evacuation only cordons it) gets none of the next run.
        foreach (VmInfo vm in await _c.ListAsync())
        {
            (await _c.CliAsync("delete", vm.Name, "--force")).Ok();
        }

        (await _c.CliWithinAsync(Long, null, "host", "evacuate", "host-c", "--mode", "stop")).Ok();
        await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-c" && x.State == "evacuated"));
        CloneEvent cordoned = await CloneAsync("clone", "tmpl", "k-{i}", "--count", "4");
        Assert.True(cordoned.Failed == 0, string.Join("; ", cordoned.Failures));
        Assert.DoesNotContain("host-c", cordoned.Hosts!.Values);
        Assert.Empty(await _c.ListAsync());
        (await _c.CliAsync("host", "restore", "host-c")).Ok();
    }

    /// <summary>An image with data.txt, a VM on A on it (its own overlay), stopped, made into template "tmpl" on A.</summary>
    private async Task MakeTemplateOnAAsync()
    {
        string disk = await Disks.Ext4Async(_a.Dir, "data", new Dictionary<string, string> { ["data.txt"] = "from the template\n" });
        (await _a.CliAsync("image", "import", disk, "--name", "data")).Ok();
        await Guest.CreateOnAsync(_a, "host-a", "base", "disk = [ 'image:data,qcow2,xvda,w' ]");
        (await _a.CliWithinAsync(Long, null, "shutdown", "base", "-w")).Ok();
        (await _a.CliAsync("template", "create", "base", "--name", "tmpl")).Ok();
    }

    private async Task<CloneEvent> CloneAsync(params string[] args)
    {
        CliResult r = await _a.CliWithinAsync(Long, null, [.. args, "--format", "json"]);
        Assert.True(r.Stdout.Length > 0, $"hospes {string.Join(' ', args)}: {r.Stderr}\n{_a.LogTail(40)}");
        return Wire.Read<CloneEvent>(r.Stdout);
    }

    /// <summary>How often a template's copy came to this host: its audit rows of the copy.</summary>
    private static async Task<int> CopiesAsync(Daemon d) =>
        Regex.Count((await d.CliAsync("audit", "--format", "json")).Ok().Stdout, Regex.Escape(CopyAction));
}
