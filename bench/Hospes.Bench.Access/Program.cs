using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

// Access benchmark (issue 14): `list` and `info` over HTTPS with a token (hospes remote) against the same over the unix
// socket, with 500 VMs defined across 10 projects. Each request is timed in one process over a kept-alive connection
// (what the CLI's one request costs on the server and the wire, without the CLI's own start-up), interleaved so load hits
// every kind alike; the CLI end to end is measured too, with fewer runs. Usage:
// dotnet run --project bench/Hospes.Bench.Access -c Release -- [--vms 500] [--projects 10] [--requests 300] [--cli-runs 10] [--write docs/benchmarks.md]
int vms = Args.Int(args, "--vms", 500);
int projects = Args.Int(args, "--projects", 10);
int requests = Args.Int(args, "--requests", 300);
int cliRuns = Args.Int(args, "--cli-runs", 10);
string? write = Args.Str(args, "--write");
string loadBefore = Machine.LoadAverage();

string address = $"127.0.0.1:{FreePort()}";
await using Daemon d = await Daemon.StartAsync(null, null, "--listen", address);
HospesClient local = d.Client;

// The lab: projects with their VMs (defined, not started: a list's and an info's cost is the records, not the guests).
var timer = Stopwatch.StartNew();
for (int p = 0; p < projects; p++)
{
    (await d.CliAsync("project", "create", $"lab{p}")).Ok();
}

string config = d.WriteConfig("bench.cfg", "name = \"x\"\nkernel = \"image:tiny\"\nmemory = 128\n");
for (int i = 0; i < vms; i++)
{
    local.Connection.Project = $"lab{i % projects}";
    await local.Vms.CreateAsync(new CreateVmRequest { Source = new ConfigRequest { Config = File.ReadAllText(config).Replace("\"x\"", $"\"vm{i:000}\"", StringComparison.Ordinal), ConfigPath = config }, Start = false }, CancellationToken.None);
}

local.Connection.Project = null;
Console.Error.WriteLine($"{vms} VMs in {projects} projects defined in {timer.Elapsed.TotalSeconds:0.0} s");

// An admin's token (sees all 500) and a teacher's (ProjectAdmin of lab3: sees 50, every item checked against the ACL).
(await d.CliAsync("user", "create", "admin2")).Ok();
(await d.CliAsync("acl", "set", "/", "--user", "admin2", "--role", "Admin")).Ok();
(await d.CliAsync("user", "create", "teacher")).Ok();
(await d.CliAsync("acl", "set", "/projects/lab3", "--user", "teacher", "--role", "ProjectAdmin")).Ok();
string adminToken = (await d.CliAsync("token", "create", "admin2", "--name", "bench")).Ok().Stdout.Trim();
string teacherToken = (await d.CliAsync("token", "create", "teacher", "--name", "bench")).Ok().Stdout.Trim();
string fingerprint;
using (X509Certificate2 own = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(d.StateDir, "tls", "server.crt"))))
{
    fingerprint = Convert.ToHexStringLower(SHA256.HashData(own.RawData));
}

using var admin = new HospesClient(HospesConnection.Remote(new Uri($"https://{address}/"), adminToken, fingerprint));
using var teacher = new HospesClient(HospesConnection.Remote(new Uri($"https://{address}/"), teacherToken, fingerprint));
string info = $"vm{3 + projects:000}"; // in lab3: the teacher may see it

var kinds = new (string Label, Func<Task<int>> Run)[]
{
    ("`list`, unix socket (root)", async () => (await local.Vms.ListAsync(CancellationToken.None)).Count),
    ("`list`, HTTPS + token (Admin on /)", async () => (await admin.Vms.ListAsync(CancellationToken.None)).Count),
    ("`list`, HTTPS + token (ProjectAdmin of lab3: filtered)", async () => (await teacher.Vms.ListAsync(CancellationToken.None)).Count),
    ("`info`, unix socket (root)", async () => (await local.Vms.GetAsync(info, CancellationToken.None)) is null ? 0 : 1),
    ("`info`, HTTPS + token (Admin on /)", async () => (await admin.Vms.GetAsync(info, CancellationToken.None)) is null ? 0 : 1),
    ("`info`, HTTPS + token (ProjectAdmin of lab3)", async () => (await teacher.Vms.GetAsync(info, CancellationToken.None)) is null ? 0 : 1),
};
var times = kinds.ToDictionary(k => k.Label, _ => new List<double>());
var counts = new Dictionary<string, int>();
foreach ((string label, Func<Task<int>> run) in kinds)
{
    counts[label] = await run(); // warm: connections, JIT
}

for (int i = 0; i < requests; i++)
{
    foreach ((string label, Func<Task<int>> run) in kinds)
    {
        long start = Stopwatch.GetTimestamp();
        await run();
        times[label].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

// The CLI end to end, a process per command: what a user at a shell waits for.
string xdg = Directory.CreateTempSubdirectory("ht-bench-").FullName;
var env = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = xdg, ["HOSPES_SOCKET"] = "", ["HOSPES_REMOTE"] = "" };
(await Run.ProcessAsync(Repo.Hospes, ["remote", "add", "b", $"https://{address}", "--token", adminToken, "--fingerprint", fingerprint], env)).Ok();
var cli = new (string Label, string[] Args, IDictionary<string, string> Env)[]
{
    ("`hospes list` (CLI process), unix socket", ["list"], new Dictionary<string, string> { ["HOSPES_SOCKET"] = d.Socket }),
    ("`hospes --remote b list` (CLI process), HTTPS + token", ["--remote", "b", "list"], env),
};
var cliTimes = cli.ToDictionary(c => c.Label, _ => new List<double>());
for (int i = 0; i < cliRuns; i++)
{
    foreach ((string label, string[] argv, IDictionary<string, string> e) in cli)
    {
        long start = Stopwatch.GetTimestamp();
        (await Run.ProcessAsync(Repo.Hospes, argv, e)).Ok();
        cliTimes[label].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

Directory.Delete(xdg, recursive: true);
string loadAfter = Machine.LoadAverage();

double P(List<double> v, double q) => v.Order().ElementAt(Math.Min(v.Count - 1, (int)Math.Ceiling(q * v.Count) - 1));
string Row(string label, List<double> v, string extra) =>
    string.Create(CultureInfo.InvariantCulture, $"| {label} | {Stats.Median(v):0.00} ms | {P(v, 0.99):0.00} ms | {v.Min():0.00} ms | {v.Count} | {extra} |");
double listUnix = Stats.Median(times[kinds[0].Label]), listAdmin = Stats.Median(times[kinds[1].Label]), listTeacher = Stats.Median(times[kinds[2].Label]);
double infoUnix = Stats.Median(times[kinds[3].Label]), infoAdmin = Stats.Median(times[kinds[4].Label]);
double listP99 = Math.Max(P(times[kinds[1].Label], 0.99), P(times[kinds[2].Label], 0.99));

var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}); {vms} VMs defined in {projects} projects; load average before: {loadBefore}, after: {loadAfter}.");
md.AppendLine();
md.AppendLine("| request | p50 | p99 | min | requests | answer |");
md.AppendLine("|---|---|---|---|---|---|");
foreach ((string label, _) in kinds)
{
    md.AppendLine(Row(label, times[label], label.StartsWith("`list`", StringComparison.Ordinal) ? $"{counts[label]} VMs" : "one VM"));
}

foreach ((string label, _, _) in cli)
{
    md.AppendLine(Row(label, cliTimes[label], $"{vms} VMs"));
}

md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"- `list` over HTTPS with a token against the unix socket, p50: **{(listAdmin - listUnix) / listUnix * 100:+0;-0} %** (Admin), **{(listTeacher - listUnix) / listUnix * 100:+0;-0} %** (ProjectAdmin, filtered to {counts[kinds[2].Label]}); `info`: **{(infoAdmin - infoUnix) / infoUnix * 100:+0;-0} %**. Target: at most +10 %.");
md.AppendLine(CultureInfo.InvariantCulture, $"- `list` p99 over HTTPS: **{listP99:0.0} ms** (target: at most 50 ms).");
Console.WriteLine(md.ToString());
if (write is not null)
{
    Docs.ReplaceSection(Path.Combine(Repo.Root, write), "access", md.ToString());
    Console.Error.WriteLine($"wrote the access section of {write}");
}

return 0;

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}
