using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Integration.Tests.Web;
using Hospes.Testing;
using Microsoft.Playwright;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The web UI of one cluster member drives a VM another member owns (issues 4 and 17): two hosts, each a hospesd in its
/// own namespace on one switch (203.0.113.1-2), in one cluster. Chromium runs inside A's namespace (Chromium.LaunchAsync
/// wraps it in `ip netns exec`: Playwright talks to it over pipes, and the page reaches A's HTTPS as any client on that
/// switch would), logged in to A as a user made on A. web, an HVM guest with a display, runs on B.
/// </summary>
public sealed partial class ClusterWebTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Boot = TimeSpan.FromMinutes(2);
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
    /// In the browser on A: the list has both hosts' VMs with their host; web's page (web runs on B) shows its serial
    /// console, where a typed command gets the guest's answer; its display (noVNC through A to B's VNC) draws the guest's
    /// screen and takes keys; a pause made on B shows with no reload (B's events, through A); Unpause, Destroy and Start
    /// on the page act on B's VM, and the console comes back after the start.
    /// </summary>
    [Fact]
    public async Task AVmOnB_IsListed_ItsConsoleAndDisplayWork_AndItsButtonsActOnB_InTheWebUiOfA()
    {
        await Guest.CreateOnAsync(_a, "host-b", "web", "type = 'hvm'");
        (await _a.CliAsync("define", _a.WriteConfig("home.cfg", Guest.Config("home")), "--host", "host-a")).Ok();
        (await _a.CliWithInputAsync("ops-password\n", "user", "create", "ops", "--password-stdin")).Ok();
        (await _a.CliAsync("acl", "set", "/projects/default", "--user", "ops", "--role", "ProjectAdmin")).Ok();

        string ns = _a.Netns!.Name;
        string tmp = Path.Combine(Path.GetTempPath(), "hit-chromium-" + ns);
        try
        {
            await using Chromium chromium = await Chromium.LaunchAsync(ns);
            IPage page = await chromium.NewPageAsync();
            page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
            await Chromium.ExplainingAsync(page, "cluster-web", () => BrowseAsync(page));
        }
        finally
        {
            if (Directory.Exists(tmp))
            {
                Directory.Delete(tmp, recursive: true);
            }
        }

        await ClusterWait.AuditAsync(_b, "POST /v1/vms/web/start", "\"ops\"");
        await ClusterWait.AuditAsync(_a, "POST /v1/vms/web/start", "forwarded to host host-b");
    }

    private async Task BrowseAsync(IPage page)
    {
        await page.GotoAsync($"https://{AddressA}/");
        await page.FillAsync("#user", "ops");
        await page.FillAsync("#password", "ops-password");
        await page.ClickAsync("button[type='submit']");
        await page.WaitForSelectorAsync("[data-testid='user']:has-text('ops')");
        string protocol = await page.EvaluateAsync<string>("() => performance.getEntriesByType('navigation')[0].nextHopProtocol");
        await File.WriteAllTextAsync(Path.Combine(Chromium.Screenshots, "cluster-web-protocol.txt"), $"chromium to host A: {protocol}\n");

        // The list: A's own VM and B's, each with its host.
        await page.WaitForSelectorAsync("tr[data-vm='web'][data-state='running'] td[data-col='host']:text-is('host-b')");
        await page.WaitForSelectorAsync("tr[data-vm='home'][data-state='shutoff'] td[data-col='host']:text-is('host-a')");
        await Chromium.ShotAsync(page, "cluster-vm-list");

        // web's page: its serial console through A; the guest's shell answers.
        await page.ClickAsync("a[href='#/vm/web']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='connected']");
        await page.ClickAsync(".terminal");
        await page.Keyboard.TypeAsync("echo hello-$RANDOM\n");
        Assert.Matches(HelloLine(), await WaitForTerminalAsync(page, HelloLine(), TimeSpan.FromSeconds(60)));
        await Chromium.ShotAsync(page, "cluster-vm-console");

        await DisplayAsync(page);
        await ButtonsAsync(page);
    }

    /// <summary>
    /// The Display tab: noVNC's RFB over A's relay to B connects, draws the guest's VGA text console (more than one
    /// colour), and keys typed on it reach the guest (a reader on tty1, started from B's console, writes them to a file).
    /// </summary>
    private async Task DisplayAsync(IPage page)
    {
        await GuestShell.RunAsync(_b, "web", "echo HOSPES-VNC-TEXT > /dev/tty1; (cat /dev/tty1 > /tmp/kbd &)");
        await page.ClickAsync("button[data-tab='display']");
        await page.WaitForSelectorAsync("[data-testid='display-status'][data-state='connected']", new() { Timeout = 60_000 });
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
        int colours = await (await page.WaitForFunctionAsync(Colours, null, new() { Timeout = 60_000 })).JsonValueAsync<int>();
        Assert.True(colours > 1, $"the display's canvas has {colours} colours");
        await page.ClickAsync(".display canvas");
        await page.Keyboard.TypeAsync("typed-on-vnc\n");
        string read = "";
        for (int i = 0; i < 60 && !read.Contains("typed-on-vnc", StringComparison.Ordinal); i++)
        {
            await Task.Delay(i == 0 ? 0 : 500);
            read = await GuestShell.RunAsync(_b, "web", "cat /tmp/kbd");
        }

        Assert.Contains("typed-on-vnc", read, StringComparison.Ordinal);
        await Chromium.ShotAsync(page, "cluster-vm-display");
        await page.ClickAsync("button[data-tab='serial']");
    }

    /// <summary>
    /// Paused on B from the CLI: the page shows it with no reload (web's events come from B's stream, through A). Then
    /// the page's buttons: Unpause, Destroy (confirmed), Start, each seen on B; after the start the serial console
    /// connects again by itself and the booted guest answers.
    /// </summary>
    private async Task ButtonsAsync(IPage page)
    {
        (await _b.CliAsync("pause", "web")).Ok();
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='paused']");
        await page.WaitForSelectorAsync("button[data-action='unpause']:enabled");

        await page.ClickAsync("button[data-action='unpause']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        Assert.Equal(VmState.Running, (await _b.InfoAsync("web")).State);

        await page.ClickAsync("button[data-action='destroy']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='shutoff']");
        Assert.Equal(VmState.Shutoff, (await _b.InfoAsync("web")).State);
        await Chromium.ShotAsync(page, "cluster-vm-destroyed");

        await page.ClickAsync("button[data-action='start']:enabled");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        Assert.Equal(VmState.Running, (await _b.InfoAsync("web")).State);
        await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='connected']", new() { Timeout = 60_000 });

        // The guest boots again: a line typed every few seconds until its shell answers.
        DateTime deadline = DateTime.UtcNow + Boot;
        string? answer = null;
        while (answer is null && DateTime.UtcNow < deadline)
        {
            await page.ClickAsync(".terminal");
            await page.Keyboard.TypeAsync("echo again-$RANDOM\n");
            answer = await TerminalMatchAsync(page, AgainLine(), TimeSpan.FromSeconds(5));
        }

        Assert.True(answer is not null, $"the restarted guest did not answer on the web console within {Boot.TotalSeconds} s");
        await Chromium.ShotAsync(page, "cluster-vm-restarted");
    }

    /// <summary>The first match in the terminal's rows (xterm's DOM renderer), once one shows.</summary>
    private static async Task<string> WaitForTerminalAsync(IPage page, Regex pattern, TimeSpan limit)
    {
        const string Script = "pattern => { const m = new RegExp(pattern).exec(document.querySelector('.xterm-rows')?.innerText ?? ''); return m ? m[0] : null; }";
        IJSHandle found = await page.WaitForFunctionAsync(Script, pattern.ToString(), new() { Timeout = (float)limit.TotalMilliseconds });
        return await found.JsonValueAsync<string>();
    }

    /// <summary>As <see cref="WaitForTerminalAsync"/>, null when none shows within <paramref name="limit"/>.</summary>
    private static async Task<string?> TerminalMatchAsync(IPage page, Regex pattern, TimeSpan limit)
    {
        try
        {
            return await WaitForTerminalAsync(page, pattern, limit);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The shell's answer (hello- and digits), not the typed line (hello-$RANDOM).</summary>
    [GeneratedRegex(@"hello-\d+")]
    private static partial Regex HelloLine();

    [GeneratedRegex(@"again-\d+")]
    private static partial Regex AgainLine();
}
