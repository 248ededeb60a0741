using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hospes.Testing;
using Microsoft.Playwright;

namespace Hospes.Integration.Tests.Web;

/// <summary>
/// The web UI in a real browser (issue 15): Debian's chromium against a real hospesd on loopback HTTPS, with a real tiny
/// guest. Users log in with their passwords; lab1 holds web1, an HVM guest with a display (alice runs lab1; bob may use
/// web1 only), lab2 the admin's secret.
/// </summary>
public sealed partial class WebUiBrowserTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private readonly string _listen = $"127.0.0.1:{FreePort()}";
    private Daemon _d = null!;
    private Chromium _chromium = null!;

    private string Url => $"https://{_listen}/";

    public async Task InitializeAsync()
    {
        _d = await Daemon.StartAsync(image, null, "--listen", _listen);
        (await _d.CliAsync("project", "create", "lab1")).Ok();
        (await _d.CliAsync("project", "create", "lab2")).Ok();
        (await _d.CliAsync("define", "--project", "lab1", _d.WriteConfig("web1.cfg", Guest.Config("web1", "type = 'hvm'")))).Ok();
        (await _d.CliAsync("define", "--project", "lab2", _d.WriteConfig("secret.cfg", Guest.Config("secret")))).Ok();
        foreach (string user in new[] { "alice", "bob" })
        {
            (await _d.CliWithInputAsync($"{user}-password\n", "user", "create", user, "--password-stdin")).Ok();
        }

        (await _d.CliAsync("acl", "set", "/projects/lab1", "--user", "alice", "--role", "ProjectAdmin")).Ok();
        (await _d.CliAsync("acl", "set", "/images", "--user", "alice", "--role", "DatastoreUser")).Ok();
        (await _d.CliAsync("acl", "set", "/projects/lab1/vms/web1", "--user", "bob", "--role", "LabStudent")).Ok();
        _chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        await _d.DisposeAsync();
    }

    [Fact]
    public async Task AUser_LogsIn_SeesAVmStartedFromTheCli_Run_TypesIntoItsConsole_AndPausesAndUnpausesIt()
    {
        IPage page = await LogInAsync("alice");
        await Chromium.ExplainingAsync(page, "alice", () => AliceAsync(page));
    }

    private async Task AliceAsync(IPage page)
    {
        await page.WaitForSelectorAsync("tr[data-vm='web1'][data-state='shutoff']");
        Assert.Equal(1, await page.Locator("tbody tr").CountAsync());
        await Chromium.ShotAsync(page, "vm-list");

        // Started from the CLI: the row turns running from the event stream, with no reload.
        (await _d.CliAsync("start", "web1")).Ok();
        await page.WaitForSelectorAsync("tr[data-vm='web1'][data-state='running']");
        await _d.WaitForConsoleAsync("web1", Guest.Ready);
        await Chromium.ShotAsync(page, "vm-list-running");

        // The VM's page: its serial console in xterm.js; the guest's shell answers what is typed.
        await page.ClickAsync("a[href='#/vm/web1']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        await page.WaitForSelectorAsync(".console-status:text-is('connected')");
        await page.ClickAsync(".terminal");
        await page.Keyboard.TypeAsync("echo hello-$RANDOM\n");
        string answer = await WaitForTerminalAsync(page, HelloLine());
        Assert.Matches(HelloLine(), answer);
        await Chromium.ShotAsync(page, "vm-console");
        await ConsoleLogAsync(page, answer);
        await DisplayAsync(page);
        await RefusedConsolesAsync();

        // Pause and unpause from the page; the CLI sees each. Buttons follow the state: no Start on a running VM, no
        // Pause on a paused one; also when the CLI changes it (the event stream, no reload).
        Assert.True(await page.IsDisabledAsync("button[data-action='start']"));
        await page.ClickAsync("button[data-action='pause']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='paused']");
        Assert.Equal("paused", (await _d.InfoAsync("web1")).State.ToString().ToLowerInvariant());
        await page.WaitForSelectorAsync("button[data-action='pause']:disabled");
        await Chromium.ShotAsync(page, "vm-paused");
        await page.ClickAsync("button[data-action='unpause']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        Assert.Equal("running", (await _d.InfoAsync("web1")).State.ToString().ToLowerInvariant());
        (await _d.CliAsync("pause", "web1")).Ok();
        await page.WaitForSelectorAsync("button[data-action='unpause']:enabled");
        Assert.True(await page.IsDisabledAsync("button[data-action='pause']"));
        (await _d.CliAsync("unpause", "web1")).Ok();
        await page.WaitForSelectorAsync("button[data-action='pause']:enabled");

        // mem-set from its field; a refused one shows the API's message.
        await page.FillAsync("#mem-target", "100000");
        await page.ClickAsync("button[data-action='mem-set']");
        await page.WaitForSelectorAsync(".message:has-text('above its maxmem')");
        await Chromium.ShotAsync(page, "vm-refused");
        await page.FillAsync("#mem-target", "160");
        await page.ClickAsync("button[data-action='mem-set']");
        await page.WaitForSelectorAsync("dl.facts dd:has-text('160 MiB')");
        Assert.Equal(160, (await _d.InfoAsync("web1")).MemoryMib);

        // Save to a file (web1 turns saved, Restore is enabled), then Restore: running again, the serial console back.
        // A save file is a path on the host: that needs Sys.Modify on /, which alice lacks, and Save says so. Made an
        // Admin, the page read again (it reads the privileges once) enables it.
        await page.WaitForSelectorAsync("button[data-action='save'][data-lacks]:disabled");
        Assert.Equal("alice lacks Sys.Modify on /", await page.GetAttributeAsync("button[data-action='save']", "title"));
        (await _d.CliAsync("acl", "set", "/", "--user", "alice", "--role", "Admin")).Ok();
        List<IWebSocketRoute> consoles = await RouteConsolesAsync(page);
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("[data-testid='console-status'][data-state='connected']");
        await page.WaitForSelectorAsync("button[data-action='save']:enabled");
        await page.FillAsync("#save-path", Path.Combine(_d.Dir, "web1.save"));
        await page.ClickAsync("button[data-action='save']");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='saved']");
        await page.ClickAsync("button[data-action='restore']:enabled");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        await page.WaitForSelectorAsync(".console-status:text-is('connected')");
        await ReconnectAsync(page, consoles);
        (await _d.CliAsync("destroy", "web1")).Ok();

        // Create from a pasted config: config check's diagnostic shows under line 3; fixed, the VM is made in lab1.
        await page.ClickAsync("a[href='#/create']");
        await page.FillAsync("#config", "name = \"fromweb\"\nkernel = \"image:tiny\"\nmemory = \"lots\"\n");
        await page.WaitForSelectorAsync("li.diag-line[data-line='3'] .diag-error");
        Assert.Equal(1, await page.Locator("li.diag-line").CountAsync());
        await Chromium.ShotAsync(page, "create-diagnostic");
        string disk = await Disks.Ext4Async(_d.Dir, "fromweb-data", new Dictionary<string, string> { ["hello.txt"] = "hi\n" }, "16M");
        await page.FillAsync("#config", Guest.Config("fromweb", $"disk = [ '{disk},qcow2,xvda,w' ]"));
        await page.WaitForSelectorAsync(".status:text-is('config check: no problems')");
        await page.FillAsync("#project", "lab1");
        await page.UncheckAsync("#start");
        await page.ClickAsync("button:text-is('Create')");
        await page.WaitForSelectorAsync("h1:text-is('fromweb')");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='shutoff']");
        Assert.Equal("lab1", (await _d.InfoAsync("fromweb")).Project);

        // A PV guest has no display: its tab says so.
        await page.ClickAsync("button[data-tab='display']");
        await page.WaitForSelectorAsync("[data-testid='no-display']:has-text('PV guest')");

        // Snapshots of the stopped fromweb's disk: made, listed, reverted to and deleted (after a confirm) from its page.
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.FillAsync("#snapshot-name", "s1");
        await page.ClickAsync("button[data-action='snapshot']");
        await page.WaitForSelectorAsync("ul.snapshots li[data-snapshot='s1']:has-text('xvda')");
        Assert.Equal("s1", Assert.Single(await _d.JsonAsync<List<Hospes.Contracts.SnapshotInfo>>("snapshot", "list", "fromweb")).Name);
        await Chromium.ShotAsync(page, "vm-snapshots");
        IResponse reverted = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("li[data-snapshot='s1'] button:text-is('Revert')"), r => r.Url.EndsWith("/snapshots/s1/revert", StringComparison.Ordinal));
        Assert.Equal(200, reverted.Status);
        await page.ClickAsync("li[data-snapshot='s1'] button:text-is('Delete')");
        await page.WaitForSelectorAsync("li[data-snapshot='s1']", new() { State = WaitForSelectorState.Detached });
        Assert.Equal("", await page.InnerTextAsync(".message"));
        Assert.Empty(await _d.JsonAsync<List<Hospes.Contracts.SnapshotInfo>>("snapshot", "list", "fromweb"));

        // A template of the stopped fromweb, then 5 clones by a pattern: the progress bar reaches 5/5.
        await page.FillAsync("#template-name", "tmpl");
        await page.ClickAsync("button[data-action='make-template']");
        await page.WaitForSelectorAsync("form.clone[data-template='tmpl']");
        await page.FillAsync("form.clone[data-template='tmpl'] input[name='pattern']", "c{i}");
        await page.FillAsync("form.clone[data-template='tmpl'] input[name='count']", "5");
        await page.ClickAsync("form.clone[data-template='tmpl'] button[type='submit']");
        await page.WaitForSelectorAsync("[data-testid='clone-status'][data-done='true']");
        Assert.StartsWith("5/5 created", await page.InnerTextAsync("[data-testid='clone-status']"), StringComparison.Ordinal);
        Assert.Equal(5, await page.EvalOnSelectorAsync<int>("section[data-template='tmpl'] progress", "p => p.value"));
        await Chromium.ShotAsync(page, "clone-progress");
        string list = (await _d.CliAsync("list")).Ok().Stdout;
        for (int i = 1; i <= 5; i++)
        {
            Assert.Matches($@"(?m)^c{i}\s", list);
        }

        // The short form: a VM from the template, started; its page opens once the clone exists and turns running
        // from the event stream (no reload). Destroyed at once: no guest runs longer than its check.
        await page.ClickAsync("a[href='#/create']");
        await page.FillAsync("#qc-name", "quick");
        await page.SelectOptionAsync("#qc-source", "template:tmpl");
        Assert.True(await page.IsDisabledAsync("#qc-memory"));
        await page.ClickAsync("button:text-is('Create from it')");
        await page.WaitForSelectorAsync("h1:text-is('quick')");
        await page.WaitForSelectorAsync("[data-testid='vm-state'][data-state='running']");
        Assert.Equal("lab1", (await _d.InfoAsync("quick")).Project);
        await Chromium.ShotAsync(page, "create-from-template");
        (await _d.CliAsync("destroy", "quick")).Ok();

        // The host page (alice is an admin now): memory committed and KSM, and the chart of the last hour as hospesd
        // sampled it (every 10 s since it started, minutes ago: drawn at once, not only what this tab sampled).
        Hospes.Contracts.HostMemoryHistoryInfo history = await _d.Client.Memory.HistoryAsync(CancellationToken.None);
        Assert.Equal(10, history.IntervalS);
        Assert.True(history.Samples.Count >= 3, $"hospesd kept {history.Samples.Count} samples");
        Assert.All(history.Samples, p => Assert.True(p.TotalMib > 0 && p.AvailableMib > 0 && p.AvailableMib <= p.TotalMib && p.KsmSavedMib >= 0));
        await page.ClickAsync("a[href='#/host']");
        await page.WaitForSelectorAsync("[data-testid='host-memory'] svg.memchart");
        Assert.Contains("committed", await page.InnerTextAsync("[data-testid='host-memory']"), StringComparison.Ordinal);
        int fromServer = int.Parse(await page.GetAttributeAsync("svg.memchart", "data-history") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(fromServer >= history.Samples.Count, $"the chart drew {fromServer} of hospesd's samples, it had {history.Samples.Count}");
        Assert.True(await page.GetAttributeAsync("svg.memchart", "data-samples") is { } n && int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) > fromServer);
        Assert.True(await page.Locator("svg.memchart circle.mem-used-dot").CountAsync() > fromServer);
        await Chromium.ShotAsync(page, "host");
        await AdminAsync(page);
    }

    [Fact]
    public async Task AUserOfOneVm_SeesOnlyIt_AndIsRefusedAnotherProjectsVmAndConsole()
    {
        IPage page = await LogInAsync("bob");
        await Chromium.ExplainingAsync(page, "bob", () => BobAsync(page));
    }

    private async Task BobAsync(IPage page)
    {
        await page.WaitForSelectorAsync("tr[data-vm='web1']");
        Assert.Equal(["web1"], await page.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.vm)"));
        await Chromium.ShotAsync(page, "student-list");

        // By keyboard: the filter box, then the Host header's sort button by Tab and Enter (the focus stays on it).
        await page.FocusAsync("input[type='search']");
        await page.Keyboard.TypeAsync("zzz");
        await page.WaitForSelectorAsync("tbody tr", new() { State = WaitForSelectorState.Detached });
        await page.FillAsync("input[type='search']", "lab1");
        await page.WaitForSelectorAsync("tr[data-vm='web1'] td[data-col='host']");
        await page.FocusAsync("th[data-col='project'] button");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("th[data-col='host'][aria-sort='ascending']");
        Assert.Equal("host", await page.EvaluateAsync<string>("() => document.activeElement.closest('th').dataset.col"));

        // Buttons by privilege: bob (LabStudent) may power web1 but not delete it; the page says why.
        await page.ClickAsync("a[href='#/vm/web1']");
        await page.WaitForSelectorAsync("button[data-action='delete'][data-lacks]:disabled");
        Assert.Equal("bob lacks VM.Allocate, VM.Config, VM.Snapshot on /projects/lab1/vms/web1", await page.InnerTextAsync("[data-testid='lacks']"));
        await page.WaitForSelectorAsync("button[data-action='snapshot'][data-lacks]:disabled");
        Assert.Equal("bob lacks VM.Snapshot on /projects/lab1/vms/web1", await page.GetAttributeAsync("button[data-action='snapshot']", "title"));
        Assert.Null(await page.GetAttributeAsync("button[data-action='pause']", "data-lacks"));
        // Save, Restore and Make template need privileges on other paths (a host file: Sys.Modify on /; a template).
        await page.WaitForSelectorAsync("button[data-action='save'][data-lacks]:disabled");
        Assert.Equal("bob lacks Sys.Modify on /", await page.GetAttributeAsync("button[data-action='save']", "title"));
        Assert.Equal("bob lacks VM.Allocate on /projects/lab1/vms", await page.GetAttributeAsync("button[data-action='restore']", "title"));
        Assert.Equal("bob lacks Datastore.Allocate on /projects/lab1/templates", await page.GetAttributeAsync("button[data-action='make-template']", "title"));
        await page.GotoAsync(Url + "#/");

        // The console of lab2's VM, with bob's cookie: 403 naming what it needs; its page shows the same refusal.
        int status = await page.EvaluateAsync<int>("async () => (await fetch('/v1/vms/secret/console')).status");
        Assert.Equal(403, status);
        string message = await page.EvaluateAsync<string>("async () => (await (await fetch('/v1/vms/secret/console')).json()).error.message");
        Assert.Contains("VM.Console on /projects/lab2/vms/secret", message, StringComparison.Ordinal);
        string display = await page.EvaluateAsync<string>("async () => { const r = await fetch('/v1/vms/secret/vnc'); return r.status + ' ' + (await r.json()).error.message; }");
        Assert.StartsWith("403 ", display, StringComparison.Ordinal);
        Assert.Contains("VM.Console on /projects/lab2/vms/secret", display, StringComparison.Ordinal);

        // Console tickets: one for lab2's VM is refused (VM.Console); a console WebSocket with the cookie but no ticket
        // does not open (the page's own consoles ask for a ticket first, as every connect above did).
        const string Ticket = """
            async (vm) => {
              const csrf = (await (await fetch('/v1/session')).json()).csrf;
              const r = await fetch(`/v1/vms/${vm}/console/ticket`, { method: 'POST', headers: { 'X-Hospes-CSRF': csrf } });
              return r.status + ' ' + (r.ok ? (await r.json()).ticket : (await r.json()).error.message);
            }
            """;
        string refused = await page.EvaluateAsync<string>(Ticket, "secret");
        Assert.StartsWith("403 ", refused, StringComparison.Ordinal);
        Assert.Contains("VM.Console on /projects/lab2/vms/secret", refused, StringComparison.Ordinal);
        Assert.StartsWith("200 ", await page.EvaluateAsync<string>(Ticket, "web1"), StringComparison.Ordinal);
        const string Open = """
            (url) => new Promise(done => {
              const ws = new WebSocket(url);
              ws.onopen = () => { ws.close(); done('open'); };
              ws.onclose = () => done('refused');
            })
            """;
        Assert.Equal("refused", await page.EvaluateAsync<string>(Open, Url.Replace("https://", "wss://", StringComparison.Ordinal) + "v1/vms/web1/console"));
        await page.GotoAsync(Url + "#/vm/secret");
        await page.WaitForSelectorAsync(".message:has-text('VM.Audit on /projects/lab2/vms/secret')");
        await Chromium.ShotAsync(page, "student-refused");

        // A change without the CSRF header, as another site's form would send it: refused even with the cookie.
        int forged = await page.EvaluateAsync<int>("async () => (await fetch('/v1/vms/web1/start', { method: 'POST' })).status");
        Assert.Equal(403, forged);

        // 200 VMs (this page's answer of GET /v1/vms replaced): all rows drawn; the time it took is written beside the
        // screenshots for docs/benchmarks.md (a figure, not a check). Then the list at 480 px wide.
        var many = Enumerable.Range(1, 200).Select(i => new { name = $"vm{i:000}", project = "lab1", memory_mib = 192, max_memory_mib = 192, vcpus = 1, state = i % 3 == 0 ? "running" : "shutoff", flags = "------", cpu_time_s = 1.5 * i, crash_count = 0 });
        await page.RouteAsync("**/v1/vms", r => r.FulfillAsync(new() { ContentType = "application/json", Body = System.Text.Json.JsonSerializer.Serialize(many) }));
        await page.GotoAsync(Url + "#/host");
        const string Render200 = """
            () => new Promise(done => {
              const t = performance.now();
              location.hash = '#/';
              const drawn = () => document.querySelectorAll('tbody tr').length >= 200 ? done(performance.now() - t) : requestAnimationFrame(drawn);
              drawn();
            })
            """;
        double ms = await page.EvaluateAsync<double>(Render200);
        Assert.Equal(200, await page.Locator("tbody tr").CountAsync());
        await File.WriteAllTextAsync(Path.Combine(Chromium.Screenshots, "vm-list-200.txt"), $"{ms:0} ms from #/ to 200 rows drawn\n");
        await page.SetViewportSizeAsync(480, 800);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.Screenshots, "vm-list-narrow.png") }); // the window, not 200 rows
        await page.SetViewportSizeAsync(1280, 800);
        await page.UnrouteAsync("**/v1/vms");

        // Logging out ends the session: the login form again, and the API refuses the old cookie.
        await page.ClickAsync("text=Log out");
        await page.WaitForSelectorAsync("form.login");
        int after = await page.EvaluateAsync<int>("async () => (await fetch('/v1/vms')).status");
        Assert.Equal(401, after);
    }

    private async Task<IPage> LogInAsync(string user)
    {
        IPage page = await _chromium.NewPageAsync();
        await page.GotoAsync(Url);
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", "wrong");
        await page.ClickAsync("button[type='submit']");
        await page.WaitForSelectorAsync(".message:has-text('wrong user or password')");
        await page.FillAsync("#password", $"{user}-password");
        await page.ClickAsync("button[type='submit']");
        await page.WaitForSelectorAsync($"[data-testid='user']:has-text('{user}')");
        return page;
    }

    /// <summary>The first match in the terminal's rows (xterm's DOM renderer), once one shows (30 s at most).</summary>
    private static async Task<string> WaitForTerminalAsync(IPage page, Regex pattern)
    {
        const string Script = "pattern => { const m = new RegExp(pattern).exec(document.querySelector('.xterm-rows')?.innerText ?? ''); return m ? m[0] : null; }";
        IJSHandle found = await page.WaitForFunctionAsync(Script, pattern.ToString());
        return await found.JsonValueAsync<string>();
    }

    /// <summary>The shell's answer (hello- and digits), not the typed line (hello-$RANDOM).</summary>
    [GeneratedRegex(@"hello-\d+")]
    private static partial Regex HelloLine();

    [GeneratedRegex(@"again-\d+")]
    private static partial Regex AgainLine();

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
