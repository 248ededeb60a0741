using Hospes.Integration.Tests.Web;
using Hospes.Testing;
using Microsoft.Playwright;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The web UI's VM list of one cluster member follows the VMs of another without a reload (issue 17): two hosts, each a
/// hospesd in its own namespace on one switch (203.0.113.1-2), in one cluster; chromium inside A's namespace, logged in
/// to A (<see cref="ClusterLab"/>, as <see cref="ClusterWebTests"/>). The list reads `GET /v1/events?cluster=true`: A's events
/// and B's, each naming its host.
/// </summary>
public sealed class ClusterWebListTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);
    private readonly ClusterLab _lab = new(image, new() { Hosts = 2, HostInfo = true });
    private Daemon _a = null!;
    private Daemon _b = null!;

    public async Task InitializeAsync()
    {
        (_a, _b) = await _lab.StartAsync();
        await _lab.FormAsync();
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    /// <summary>
    /// A's list open in the browser; on B's CLI: a VM created (its row comes, Host host-b, running), paused, unpaused,
    /// destroyed (each state shows in its row), deleted (its row goes); another created on B and migrated to A (its row
    /// says host-a). All in the one page load (a mark set in the page before is still there).
    /// </summary>
    [Fact]
    public async Task TheListOnA_FollowsVmsCreatedPausedStoppedDeletedAndMigratedOnB_WithoutAReload()
    {
        (await _a.CliAsync("define", _a.WriteConfig("home.cfg", Guest.Config("home")), "--host", "host-a")).Ok();
        (await _a.CliWithInputAsync("ops-password\n", "user", "create", "ops", "--password-stdin")).Ok();
        (await _a.CliAsync("acl", "set", "/projects/default", "--user", "ops", "--role", "ProjectAdmin")).Ok();

        string ns = _a.Netns!.Name;
        string tmp = Path.Combine(Path.GetTempPath(), "hit-chromium-" + ns);
        try
        {
            await using Chromium chromium = await Chromium.LaunchAsync(ns);
            IPage page = await chromium.NewPageAsync();
            await Chromium.ExplainingAsync(page, "cluster-web-list", () => FollowAsync(page));
        }
        finally
        {
            if (Directory.Exists(tmp))
            {
                Directory.Delete(tmp, recursive: true);
            }
        }
    }

    private async Task FollowAsync(IPage page)
    {
        await page.GotoAsync($"https://{AddressA}/");
        await page.FillAsync("#user", "ops");
        await page.FillAsync("#password", "ops-password");
        await page.ClickAsync("button[type='submit']");
        await page.WaitForSelectorAsync("[data-testid='user']:has-text('ops')");
        await RowAsync(page, "home", "shutoff", "host-a");
        await page.EvaluateAsync("() => { window.hospesSameLoad = 'yes'; }");

        // Created on B: the row comes, with B as its host.
        (await _b.CliAsync("create", _b.WriteConfig("far.cfg", Guest.Config("far")), "--host", "host-b")).Ok();
        await RowAsync(page, "far", "running", "host-b");
        await Chromium.ShotAsync(page, "cluster-list-created-on-b");

        (await _b.CliAsync("pause", "far")).Ok();
        await RowAsync(page, "far", "paused", "host-b");
        (await _b.CliAsync("unpause", "far")).Ok();
        await RowAsync(page, "far", "running", "host-b");
        (await _b.CliAsync("destroy", "far")).Ok();
        await RowAsync(page, "far", "shutoff", "host-b");

        // Deleted on B: the row goes.
        (await _b.CliAsync("delete", "far")).Ok();
        await page.WaitForSelectorAsync("tr[data-vm='far']", new() { State = WaitForSelectorState.Detached, Timeout = (float)Within.TotalMilliseconds });

        // Made on B and migrated from there to A: the row follows it to host-a.
        await Guest.CreateOnAsync(_b, "host-b", "mover");
        await RowAsync(page, "mover", "running", "host-b");
        (await _b.CliAsync("migrate", "mover", "host-a")).Ok();
        await RowAsync(page, "mover", "running", "host-a");
        await Chromium.ShotAsync(page, "cluster-list-migrated-to-a");

        Assert.Equal("yes", await page.EvaluateAsync<string?>("() => window.hospesSameLoad ?? null"));
        Assert.Equal(["home", "mover"], await page.EvalOnSelectorAllAsync<string[]>("tr[data-vm]", "rows => rows.map(r => r.dataset.vm).sort()"));
    }

    /// <summary>Waits until the list has <paramref name="vm"/>'s row in <paramref name="state"/> on <paramref name="host"/>.</summary>
    private static async Task RowAsync(IPage page, string vm, string state, string host) =>
        await page.WaitForSelectorAsync(
            $"tr[data-vm='{vm}'][data-state='{state}'] td[data-col='host']:text-is('{host}')",
            new() { Timeout = (float)Within.TotalMilliseconds });
}
