// Cluster clone benchmark (issue 17): three hospesd in network namespaces on one switch, a template on host A (an
// overlay on a small ext4 image, not shared); `hospes clone tmpl 'c-{i}' --count N --start` from A, spread over the
// three hosts by the scheduler (the template copied to B and C once), against the same run pinned to A (--host host-a).
// Taken: seconds until every clone is defined, and until every guest is ready (its console printed HOSPES-READY).
// All three hosts share this machine's cores: the spread run shows the cost of planning, copying and forwarding, not
// three machines' worth of CPU.
//
//   ./setup.sh && dotnet run -c Release --project bench/Hospes.Bench.ClusterClones -- [--count 75] [--runs 1] [--write docs/benchmarks.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Testing;
using Hospes.Testing.Bench;

int count = Args.Int(args, "--count", 75);
int runs = Args.Int(args, "--runs", 1);
string? write = Args.Str(args, "--write");
string loadBefore = Machine.LoadAverage();
var image = new TinyImage();
var namespaces = new List<NetNs>();
var daemons = new List<Daemon>();
var spread = new List<(double Defined, double Ready, int Failed, string Hosts)>();
var single = new List<(double Defined, double Ready, int Failed, string Hosts)>();
try
{
    NetNs hub = await NetNs.CreateBareAsync("hit-sw-");
    namespaces.Add(hub);
    for (int i = 1; i <= 3; i++)
    {
        NetNs ns = await NetNs.CreateBareAsync("hit-");
        namespaces.Add(ns);
        await NetNs.SwitchAsync(hub, ns, $"p{i}", $"203.0.113.{i}/24");
        daemons.Add(await Daemon.StartAsync(new DaemonOptions
        {
            Image = image,
            Netns = ns,
            CliTimeout = Timeout.InfiniteTimeSpan,
            Args = ["--listen", $"203.0.113.{i}:8443", "--host-name", $"host-{(char)('a' + i - 1)}", "--ksm", "off"],
        }));
    }

    Daemon a = daemons[0];
    (await a.CliAsync("cluster", "init", "--name", "bench")).Ok();
    foreach (Daemon d in daemons.Skip(1))
    {
        string token = JsonSerializer.Deserialize<HostTokenInfo>((await a.CliAsync("cluster", "token", "--format", "json")).Ok().Stdout, Wire.Options)!.Token;
        (await d.CliAsync("cluster", "join", "203.0.113.1:8443", "--token", token)).Ok();
    }

    await AllUpAsync(a);
    string qcow2 = await Disks.Ext4Async(a.Dir, "data", new Dictionary<string, string> { ["data.txt"] = "template data\n" });
    (await a.CliAsync("image", "import", qcow2, "--name", "data")).Ok();
    string cfg = a.WriteConfig("base.cfg", "name = \"base\"\nkernel = \"image:tiny\"\nmemory = 128\nvcpus = 1\ndisk = [ 'image:data,qcow2,xvda,w' ]\n");
    (await a.CliAsync("define", cfg, "--host", "host-a")).Ok();
    (await a.CliAsync("template", "create", "base", "--name", "tmpl")).Ok();

    for (int run = 1; run <= runs; run++)
    {
        spread.Add(await CloneRunAsync(a, $"s{run}", null));
        Console.Error.WriteLine($"run {run}/{runs}: spread over the hosts: defined {spread[^1].Defined:0.0} s, ready {spread[^1].Ready:0.0} s ({spread[^1].Hosts}, {spread[^1].Failed} failed)");
        await CleanAsync($"s{run}-");
        single.Add(await CloneRunAsync(a, $"o{run}", "host-a"));
        Console.Error.WriteLine($"run {run}/{runs}: on host-a only: defined {single[^1].Defined:0.0} s, ready {single[^1].Ready:0.0} s ({single[^1].Failed} failed)");
        await CleanAsync($"o{run}-");
    }
}
finally
{
    foreach (Daemon d in daemons)
    {
        await d.DisposeAsync();
        await HostProcesses.KillAllAsync(d.Dir + "/", "etcd");
    }

    foreach (NetNs ns in namespaces)
    {
        await ns.DisposeAsync();
    }
}

var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores ({Machine.Cpu()}), the three hosts in namespaces of this one machine; load average before the run: {loadBefore}.");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"| {count} linked clones, `--start` | median | min | max | runs |");
md.AppendLine("|---|---|---|---|---|");
Row(md, "spread over 3 hosts: all defined", [.. spread.Select(r => r.Defined)]);
Row(md, "spread over 3 hosts: all ready (`HOSPES-READY`)", [.. spread.Select(r => r.Ready)]);
Row(md, "on one host (`--host host-a`): all defined", [.. single.Select(r => r.Defined)]);
Row(md, "on one host (`--host host-a`): all ready", [.. single.Select(r => r.Ready)]);
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Spread runs: {string.Join("; ", spread.Select(r => $"{r.Hosts}, {r.Failed} failed"))}. One-host runs: {string.Join("; ", single.Select(r => $"{r.Failed} failed"))}. The first spread run includes the template's copy to B and C.");
Console.WriteLine(md.ToString());
if (write is not null)
{
    Docs.ReplaceSection(Path.Combine(Repo.Root, write), "clusterclones", md.ToString());
    Console.Error.WriteLine($"wrote the cluster clones section of {write}");
}

return spread.All(r => r.Failed == 0) && single.All(r => r.Failed == 0) ? 0 : 1;

// One clone run from A: seconds until every clone is defined (the hosts' created counts summed) and until the run is done.
async Task<(double Defined, double Ready, int Failed, string Hosts)> CloneRunAsync(Daemon a, string prefix, string? host)
{
    var request = new CloneRequest { Name = prefix + "-{i}", Count = count, Start = true, ReadyTimeoutS = 3600, Host = host };
    var clock = Stopwatch.StartNew();
    double defined = 0;
    CloneEvent? done = null;
    await foreach (CloneEvent e in a.Client.Store.CloneAsync("tmpl", request, CancellationToken.None))
    {
        if (defined == 0 && e.Created + e.Failed >= count)
        {
            defined = clock.Elapsed.TotalSeconds;
        }

        if (e.Event == "done")
        {
            done = e;
        }
    }

    double ready = clock.Elapsed.TotalSeconds;
    if (done is null)
    {
        throw new InvalidOperationException($"clone run {prefix}: the stream ended without a summary");
    }

    string hosts = string.Join(", ", (done.Hosts ?? new Dictionary<string, string>()).GroupBy(h => h.Value).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
    return (defined, ready, done.Failed, hosts);
}

// The run's clones go: their QEMUs killed, then each deleted on its host.
async Task CleanAsync(string prefix)
{
    foreach (Daemon d in daemons)
    {
        await HostProcesses.KillAllAsync(d.StateDir + "/", "qemu-system");
        foreach (var vm in (await d.ListAsync()).Where(v => v.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            (await d.CliAsync("delete", vm.Name, "--force")).Ok();
        }
    }
}

static async Task AllUpAsync(Daemon d)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(90))
    {
        CliResult r = await d.CliAsync("cluster", "list", "--format", "json");
        if (r.ExitCode == 0 && JsonSerializer.Deserialize<List<ClusterHostInfo>>(r.Stdout, Wire.Options) is { Count: 3 } hosts && hosts.All(h => h.State == "up"))
        {
            return;
        }

        await Task.Delay(500);
    }

    throw new TimeoutException("the three hosts were not all up within 90 s");
}

static void Row(StringBuilder md, string what, IReadOnlyList<double> values) =>
    md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {(values.Count == 0 ? "-" : Stats.Median(values).ToString("0.0", CultureInfo.InvariantCulture))} s | {(values.Count == 0 ? "-" : values.Min().ToString("0.0", CultureInfo.InvariantCulture))} s | {(values.Count == 0 ? "-" : values.Max().ToString("0.0", CultureInfo.InvariantCulture))} s | {values.Count} |");
