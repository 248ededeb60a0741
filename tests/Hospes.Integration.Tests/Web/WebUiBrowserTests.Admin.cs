using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hospes.Testing;
using Microsoft.Playwright;

namespace Hospes.Integration.Tests.Web;

/// <summary>The admin page's flow of the web UI's browser test.</summary>
public sealed partial class WebUiBrowserTests
{
    /// <summary>
    /// The admin page (alice is Admin on / by now): a user with a password, a token shown once and revoked, a project
    /// with a VM limit, a role on the project's path; that user logs in in another browser context and sees its VM only.
    /// </summary>
    private async Task AdminAsync(IPage page)
    {
        await page.ClickAsync("a[href='#/admin']");
        await page.FillAsync("#new-user", "carol");
        await page.FillAsync("#new-user-password", "carol-password");
        await page.ClickAsync("button:text-is('Create user')");
        await page.WaitForSelectorAsync("tr[data-user='carol']");
        await page.ClickAsync("tr[data-user='carol'] button[data-action='tokens']");
        await page.FillAsync("[data-testid='admin-tokens'] input[name='name']", "ci");
        await page.ClickAsync("button:text-is('Create token')");
        string secret = await page.InnerTextAsync("[data-testid='token-secret'] code");
        Assert.StartsWith("hospes_", secret, StringComparison.Ordinal);
        await page.WaitForSelectorAsync("tr[data-token='ci']");
        Assert.Contains("ci", (await _d.CliAsync("token", "list", "carol")).Ok().Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await page.InnerTextAsync("[data-testid='admin-tokens'] table"), StringComparison.Ordinal);

        // The token logs in on the login page instead of a password (another browser context); revoked, that session ends.
        IPage byToken = await _chromium.NewPageAsync();
        await byToken.GotoAsync(Url);
        await byToken.CheckAsync("#use-token");
        await byToken.FillAsync("#password", secret);
        await byToken.ClickAsync("button[type='submit']");
        await byToken.WaitForSelectorAsync("[data-testid='user']:has-text('carol!ci')");
        await page.ClickAsync("tr[data-token='ci'] button[data-action='revoke']");
        await page.WaitForSelectorAsync("tr[data-token='ci']", new() { State = WaitForSelectorState.Detached });
        Assert.Equal(401, await byToken.EvaluateAsync<int>("async () => (await fetch('/v1/session')).status"));

        await page.FillAsync("#new-project", "lab3");
        await page.FillAsync("form:has(#new-project) input[name='vms']", "1");
        await page.ClickAsync("button:text-is('Create project')");
        await page.WaitForSelectorAsync("tr[data-project='lab3'] td:text-is('0 of 1')");
        await page.FillAsync("tr[data-project='lab3'] input[name='vms']", "2");
        await page.ClickAsync("tr[data-project='lab3'] button[data-action='set-limits']");
        await page.WaitForSelectorAsync("tr[data-project='lab3'] td:text-is('0 of 2')");
        (await _d.CliAsync("define", "--project", "lab3", _d.WriteConfig("carolvm.cfg", Guest.Config("carolvm")))).Ok();

        await page.FillAsync("#acl-path", "/projects/lab3");
        await page.FillAsync("#acl-subject", "carol");
        await page.FillAsync("#acl-role", "LabStudent");
        await page.ClickAsync("button:text-is('Grant')");
        await page.WaitForSelectorAsync("tr[data-acl='/projects/lab3 carol LabStudent']");
        Assert.Contains("LabStudent", await page.InnerTextAsync("[data-testid='admin-roles']"), StringComparison.Ordinal);
        await Chromium.ShotAsync(page, "admin");

        // carol, in a second browser context: lab3's VM only; no Admin link, and #/admin shows the API's refusal.
        IPage carol = await LogInAsync("carol");
        await Chromium.ExplainingAsync(carol, "carol", async () =>
        {
            await carol.WaitForSelectorAsync("tr[data-vm='carolvm']");
            Assert.Equal(["carolvm"], await carol.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.vm)"));
            Assert.Equal(0, await carol.Locator("a[href='#/admin']").CountAsync());
            await carol.GotoAsync(Url + "#/admin");
            await carol.WaitForSelectorAsync("[data-testid='admin-users'] .message:not(:empty)");
            Assert.Equal(0, await carol.Locator("tr[data-user]").CountAsync());
            await Chromium.ShotAsync(carol, "admin-refused");
        });

        // Disabled from the page: carol's session ends at once.
        await page.ClickAsync("tr[data-user='carol'] button[data-action='disable']");
        await page.WaitForSelectorAsync("tr[data-user='carol'] button[data-action='enable']");
        Assert.Equal(401, await carol.EvaluateAsync<int>("async () => (await fetch('/v1/vms')).status"));
    }
}
