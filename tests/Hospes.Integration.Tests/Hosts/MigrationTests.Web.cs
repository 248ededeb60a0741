using Hospes.Contracts.Vms;
using Hospes.Integration.Tests.Web;
using Hospes.Testing;
using Microsoft.Playwright;

namespace Hospes.Integration.Tests.Hosts;

/// <summary>Migration from the web UI (issue 15): chromium runs in host A's namespace and opens A's web UI.</summary>
public sealed partial class MigrationTests
{
    [Fact]
    public async Task TheWebUi_MigratesAVm_ShowsItsProgressToDone_SaysWhereItWent_AndTakesItBackWhenItReturns()
    {
        string disk = MemCheck.Disk(_shared);
        await Guest.CreateAsync(_a, "wm", $"disk = [ 'file:{disk},xvda,r' ]");
        (await _a.CliWithInputAsync("ops-password\n", "user", "create", "ops", "--password-stdin")).Ok();
        (await _a.CliAsync("acl", "set", "/", "--user", "ops", "--role", "Admin")).Ok();

        string tmp = Path.Combine(Path.GetTempPath(), "hit-chromium-" + _nsA.Name);
        try
        {
            await using Chromium chromium = await Chromium.LaunchAsync(_nsA.Name);
            IPage page = await chromium.NewPageAsync();
            await Chromium.ExplainingAsync(page, "migrate", async () =>
            {
                await page.GotoAsync($"https://{HostA}:8443/#/vm/wm");
                await page.FillAsync("#user", "ops");
                await page.FillAsync("#password", "ops-password");
                await page.ClickAsync("button[type='submit']");
                await page.WaitForSelectorAsync("[data-testid='user']:has-text('ops')");
                await page.GotoAsync($"https://{HostA}:8443/#/vm/wm");
                await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
                await page.WaitForSelectorAsync(".console-status:text-is('connected')");

                // The peers list fills the destination (host-b is this host's only peer); a bad name is the API's refusal.
                await page.WaitForSelectorAsync("#migrate-peers option[value='host-b']", new() { State = WaitForSelectorState.Attached });
                await page.FillAsync("#migrate-host", "nowhere");
                await page.ClickAsync("button[data-action='migrate']");
                await page.WaitForSelectorAsync("[data-testid='migrate-error']:has-text(\"no host named 'nowhere'\")");

                await page.FillAsync("#migrate-host", "host-b");
                await page.ClickAsync("button[data-action='migrate']");
                await page.WaitForSelectorAsync("[data-testid='migrate-status'][data-event='done']", new() { Timeout = 60_000 });
                string done = await page.InnerTextAsync("[data-testid='migrate-status']");
                Assert.Matches(@"done: wm moved host-a → host-b \(live\) in \d+ ms, downtime \d+ ms", done);
                Assert.Equal(100, await page.EvalOnSelectorAsync<double>("progress", "p => p.value"));
                Assert.True(await page.IsDisabledAsync("button[data-action='migrate']"));
                Assert.Contains("wm now runs on host-b", await page.InnerTextAsync("[data-testid='vm-moved']"), StringComparison.Ordinal);
                await page.WaitForSelectorAsync(".console-status:has-text('wm now runs on host-b')");
                Assert.True(await page.IsDisabledAsync("button[data-action='start']"));
                Assert.Equal("", await page.InnerTextAsync("p.message"));
                Assert.True(await page.IsDisabledAsync("button[data-action='mem-set']"));
                await Chromium.ShotAsync(page, "vm-migrated");

                // Migrated back from host B's CLI: the page sees wm here again (the event stream, no reload), and its
                // console connects by itself; the shell answers.
                (await _b.CliAsync("migrate", "wm", "host-a")).Ok();
                await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']", new() { Timeout = 60_000 });
                await page.WaitForSelectorAsync("[data-testid='vm-moved']", new() { State = WaitForSelectorState.Hidden });
                await page.WaitForSelectorAsync("[data-testid='migrate-status'][data-event='back']");
                await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='connected']");
                await page.WaitForSelectorAsync("button[data-action='migrate']:enabled");
                await page.ClickAsync(".terminal");
                await page.Keyboard.TypeAsync("echo back-$RANDOM\n");
                await page.WaitForFunctionAsync(@"() => /back-\d+/.test(document.querySelector('.xterm-rows')?.innerText ?? '')");
                await Chromium.ShotAsync(page, "vm-migrated-back");
            });
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }

        Assert.Empty(await _b.ListAsync());
        Assert.Equal(VmState.Running, (await _a.InfoAsync("wm")).State);
        // The page does not reconnect here after the move: A has no console WebSocket for wm any more to give.
    }
}
