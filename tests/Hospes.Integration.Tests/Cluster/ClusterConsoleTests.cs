using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Integration.Tests.Web;
using Hospes.Testing;
using Microsoft.Playwright;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// "Any command on any VM works from any host" (issue 17): three hosts, each a hospesd in its own namespace on one
/// switch (203.0.113.1-3), in one cluster. A guest on B: `hospes console` on C types into it and reads the answer; a
/// browser on A's web UI gets a ticket and opens the console WebSocket through A (B, the owner, authorizes the user
/// with the grant made on B); B's audit names who opened it. A's evacuation puts its guest where the scheduler would (C admits the
/// most); an HA VM renamed from C keeps its ha/ record under the new name.
/// </summary>
public sealed class ClusterConsoleTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    // A and B may commit 5 % of the RAM, C 10 %: the scheduler puts a guest leaving A on C.
    private readonly ClusterLab _lab = new(image, new() { HostArgs = i => ["--memory-overcommit-ratio", i == 3 ? "0.10" : "0.05"], HostInfo = true });
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
    public async Task TheConsoleOfAGuestOnB_WorksFromCAndThroughAsWebUi_EvacuationFollowsTheScheduler_AndARenamedHaVmKeepsItsRecord()
    {
        await Guest.CreateOnAsync(_a, "host-b", "web");

        // `hospes console` on C (its unix socket): C sends the WebSocket to B; the guest's shell answers.
        CliResult typed = (await _c.CliWithInputAsync("echo answer-$((6*7))\n", "console", "web")).Ok();
        Assert.Contains("answer-42", typed.Stdout, StringComparison.Ordinal);
        await ClusterWait.AuditAsync(_b, "GET /v1/vms/web/console", "root@host-c (unix socket)");
        await ClusterWait.AuditAsync(_c, "GET /v1/vms/web/console", "WebSocket forwarded to host host-b");

        await TheWebUiConsoleThroughAAsync();

        // A's guest leaves A for the host whose admission admits the most (C: twice B's commit limit, and no VM yet).
        await Guest.CreateOnAsync(_a, "host-a", "ev");
        CliResult evacuated = (await _a.CliWithinAsync(Long, null, "host", "evacuate", "host-a", "--format", "json")).Ok();
        EvacuationReport report = Wire.Read<EvacuationReport>(evacuated.Stdout);
        Assert.Empty(report.Failed);
        EvacuatedVm moved = Assert.Single(report.Moved);
        Assert.Equal(("ev", "host-c"), (moved.Vm, moved.To));
        Assert.Contains("\"host\":\"host-c\"", await EtcdGetAsync(_b, "/hospes/course/vms/ev"), StringComparison.Ordinal);
        (await _b.CliAsync("host", "restore", "host-a")).Ok();

        // An HA VM on A renamed from C (forwarded to A): its ha/ record and its owner key move to the new name together.
        (await _a.CliAsync("define", _a.WriteConfig("hav.cfg", Guest.Config("hav", "ha = 1")), "--host", "host-a")).Ok();
        Assert.Contains("\"name\":\"hav\"", await EtcdGetAsync(_b, "/hospes/course/ha/hav"), StringComparison.Ordinal);
        (await _c.CliAsync("rename", "hav", "hav2")).Ok();
        JsonNode renamed = JsonNode.Parse(await EtcdGetAsync(_b, "/hospes/course/ha/hav2"))!;
        Assert.Equal("hav2", renamed["name"]!.GetValue<string>());
        Assert.Contains("name = \"hav2\"", renamed["config"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/course/vms/hav2"), StringComparison.Ordinal);
        Assert.Equal("", await EtcdGetAsync(_b, "/hospes/course/ha/hav"));
        Assert.Equal("", await EtcdGetAsync(_b, "/hospes/course/vms/hav"));
        Assert.Equal(["hav2"], (await _a.ListAsync()).Select(v => v.Name).Where(n => n.StartsWith("hav", StringComparison.Ordinal)));
    }

    /// <summary>
    /// User ops, made on A, logs in to A's web UI; B gives ops LabStudent on web (access data is the cluster's, so the
    /// grant is everywhere, and B, the owner, is who checks it). In the browser: a console
    /// WebSocket without a ticket is refused by A; a ticket (B allowed it) opens it, a typed line gets its answer.
    /// </summary>
    private async Task TheWebUiConsoleThroughAAsync()
    {
        (await _a.CliWithInputAsync("ops-password\n", "user", "create", "ops", "--password-stdin")).Ok();
        (await _b.CliAsync("acl", "set", "/projects/default/vms/web", "--user", "ops", "--role", "LabStudent")).Ok();

        string ns = _a.Netns!.Name;
        string tmp = Path.Combine(Path.GetTempPath(), "hit-chromium-" + ns);
        try
        {
            await using Chromium chromium = await Chromium.LaunchAsync(ns);
            IPage page = await chromium.NewPageAsync();
            await Chromium.ExplainingAsync(page, "cluster-console", async () =>
            {
                await page.GotoAsync($"https://{AddressA}/");
                await page.FillAsync("#user", "ops");
                await page.FillAsync("#password", "ops-password");
                await page.ClickAsync("button[type='submit']");
                await page.WaitForSelectorAsync("[data-testid='user']:has-text('ops')");

                string noTicket = await page.EvaluateAsync<string>(Open, $"wss://{AddressA}/v1/vms/web/console");
                Assert.Equal("refused", noTicket);

                string answer = await page.EvaluateAsync<string>(TicketThenType, TypedLine);
                Assert.StartsWith("ok: ", answer, StringComparison.Ordinal);
            });
        }
        finally
        {
            if (Directory.Exists(tmp))
            {
                Directory.Delete(tmp, recursive: true);
            }
        }

        await ClusterWait.AuditAsync(_b, "GET /v1/vms/web/console", "\"ops\"");
        await ClusterWait.AuditAsync(_b, "POST /v1/vms/web/console/ticket", "\"ops\"");
    }

    private static readonly string[] TypedLine = ["web", "echo answer-$((6*7+1))\n", "answer-43"];

    private const string Open = """
        (url) => new Promise(done => {
          const ws = new WebSocket(url);
          ws.onopen = () => { ws.close(); done('open'); };
          ws.onclose = () => done('refused');
        })
        """;

    // As the web UI's consoles do (web/src/link.ts): a ticket with the CSRF header, then the socket with ?ticket=.
    private const string TicketThenType = """
        async ([vm, line, want]) => {
          const csrf = (await (await fetch('/v1/session')).json()).csrf;
          const r = await fetch(`/v1/vms/${vm}/console/ticket`, { method: 'POST', headers: { 'X-Hospes-CSRF': csrf } });
          if (!r.ok) return `ticket refused: ${r.status} ${await r.text()}`;
          const ticket = (await r.json()).ticket;
          return await new Promise(done => {
            let text = '';
            const ws = new WebSocket(`wss://${location.host}/v1/vms/${vm}/console?ticket=${encodeURIComponent(ticket)}`);
            ws.binaryType = 'arraybuffer';
            const timer = setTimeout(() => { ws.close(); done('no answer in 90 s: ' + text); }, 90000);
            ws.onopen = () => ws.send(new TextEncoder().encode(line));
            ws.onmessage = e => {
              text += new TextDecoder().decode(e.data);
              if (text.includes(want)) { clearTimeout(timer); ws.close(); done('ok: ' + text); }
            };
            ws.onclose = e => { clearTimeout(timer); done(`closed ${e.code} ${e.reason}: ${text}`); };
          });
        }
        """;
}
