using System.Text.RegularExpressions;
using Hospes.Testing;
using Microsoft.Playwright;

namespace Hospes.Integration.Tests.Web;

/// <summary>The consoles' part of the web UI's browser test: the console log, refused tickets, reconnecting, the display.</summary>
public sealed partial class WebUiBrowserTests
{
    /// <summary>
    /// The Console log tab: what the guest wrote on its console (the shell's answer above), escape sequences dropped;
    /// with Follow on, a line the guest writes now shows within seconds, with no click.
    /// </summary>
    private async Task ConsoleLogAsync(IPage page, string answer)
    {
        const string Shows = "s => (document.querySelector(\"[data-testid='console-log']\")?.textContent ?? '').includes(s)";
        await page.ClickAsync("button[data-tab='log']");
        await page.WaitForFunctionAsync(Shows, answer);
        Assert.DoesNotContain('\u001b', await page.TextContentAsync("[data-testid='console-log']") ?? "");
        Assert.Equal("read", await page.GetAttributeAsync("[data-testid='console-log-status']", "data-state"));
        string mark = $"log-follow-{Random.Shared.Next(100000, 999999)}";
        await GuestShell.RunAsync(_d, "web1", $"echo {mark} | tr a-z A-Z");
        await page.WaitForFunctionAsync(Shows, mark.ToUpperInvariant(), new() { Timeout = 15_000 });
        await Chromium.ShotAsync(page, "vm-console-log");
        await page.ClickAsync("button[data-tab='serial']");
    }

    /// <summary>
    /// dana may see web1 (Auditor) but not use its console: the serial console, the display and the console log say
    /// the ticket's (and the log's) refusal, naming the privilege, instead of a generic "refused or lost".
    /// </summary>
    private async Task RefusedConsolesAsync()
    {
        (await _d.CliWithInputAsync("dana-password\n", "user", "create", "dana", "--password-stdin")).Ok();
        (await _d.CliAsync("acl", "set", "/projects/lab1/vms/web1", "--user", "dana", "--role", "Auditor")).Ok();
        IPage page = await LogInAsync("dana");
        await page.ClickAsync("a[href='#/vm/web1']");
        await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='refused']");
        Assert.Contains("VM.Console on /projects/lab1/vms/web1", await page.InnerTextAsync("[data-testid='console-status']"), StringComparison.Ordinal);
        await page.ClickAsync("button[data-tab='display']");
        await page.WaitForSelectorAsync("[data-testid='display-status'][data-state='refused']");
        Assert.Contains("VM.Console on /projects/lab1/vms/web1", await page.InnerTextAsync("[data-testid='display-status']"), StringComparison.Ordinal);
        await Chromium.ShotAsync(page, "vm-console-refused");
        await page.ClickAsync("button[data-tab='log']");
        await page.WaitForSelectorAsync("[data-testid='console-log-status'][data-state='refused']");
        Assert.Contains("VM.Console on /projects/lab1/vms/web1", await page.InnerTextAsync("[data-testid='console-log-status']"), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// From now on, web1's serial console WebSockets go through Playwright (to the real hospesd, with the page's cookie
    /// and Origin), so that the test can drop one as a network would. The list holds each socket's server side.
    /// </summary>
    private static async Task<List<IWebSocketRoute>> RouteConsolesAsync(IPage page)
    {
        var servers = new List<IWebSocketRoute>();
        await page.RouteWebSocketAsync(new Regex(@"/v1/vms/web1/console\?ticket="), ws =>
        {
            IWebSocketRoute server = ws.ConnectToServer();
            lock (servers)
            {
                servers.Add(server);
            }
        });
        return servers;
    }

    /// <summary>
    /// The serial console's socket drops while web1 runs: the page says it reconnects, gets a fresh ticket, connects
    /// again by itself (no reload, no click), and the shell answers what is typed.
    /// </summary>
    private static async Task ReconnectAsync(IPage page, List<IWebSocketRoute> servers)
    {
        IWebSocketRoute last;
        int before;
        lock (servers)
        {
            before = servers.Count;
            Assert.True(before > 0, "the console's socket did not go through the route");
            last = servers[^1];
        }

        await last.CloseAsync(new() { Code = 4000, Reason = "dropped by the test" });
        await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='reconnecting']");
        Assert.Contains("reconnecting", await page.InnerTextAsync("[data-testid='console-status']"), StringComparison.Ordinal);
        await Chromium.ShotAsync(page, "vm-console-reconnecting");
        await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='connected']");
        lock (servers)
        {
            Assert.True(servers.Count > before, "no new socket after the drop");
        }

        await page.ClickAsync(".terminal");
        await page.Keyboard.TypeAsync("echo again-$RANDOM\n");
        Assert.Matches(@"again-\d+", await WaitForTerminalAsync(page, AgainLine()));
    }

    /// <summary>
    /// The Display tab: noVNC draws the guest's VGA text console (not one colour), and keys typed on it reach the guest
    /// (a reader on tty1 started from the serial shell writes them to a file).
    /// </summary>
    private async Task DisplayAsync(IPage page)
    {
        await GuestShell.RunAsync(_d, "web1", "echo HOSPES-VNC-TEXT > /dev/tty1; (cat /dev/tty1 > /tmp/kbd &)");
        await page.ClickAsync("button[data-tab='display']");
        await page.WaitForSelectorAsync("[data-testid='display-status']:text-is('connected')");
        const string Colours = """
            () => {
              const c = document.querySelector('.display canvas');
              if (!c || !c.width) return 0;
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              const seen = new Set();
              for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
              return seen.size > 1 ? seen.size : 0;
            }
            """;
        int colours = await (await page.WaitForFunctionAsync(Colours)).JsonValueAsync<int>();
        Assert.True(colours > 1, $"the display's canvas has {colours} colours");
        await page.ClickAsync(".display canvas");
        await page.Keyboard.TypeAsync("typed-on-vnc\n");
        string read = "";
        for (int i = 0; i < 30 && !read.Contains("typed-on-vnc", StringComparison.Ordinal); i++)
        {
            await Task.Delay(i == 0 ? 0 : 300);
            read = await GuestShell.RunAsync(_d, "web1", "cat /tmp/kbd");
        }

        Assert.Contains("typed-on-vnc", read, StringComparison.Ordinal);
        await Chromium.ShotAsync(page, "vm-display");
        await page.ClickAsync("button[data-tab='serial']");
    }
}
