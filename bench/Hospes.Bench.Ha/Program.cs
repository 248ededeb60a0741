// HA benchmark (issue 17): three hospesd in network namespaces on one switch, a shared folder, an HA tiny guest; the
// link of the host it runs on is cut, and the time until the guest answers on another host (its console shows the
// ready marker) is taken; the link comes back, the old host drops its copy, and the next run cuts the new host.
// --cut says what that host is in etcd when it is cut: etcd-leader, voter, alternate (odd runs the leader, even runs a
// voter) or any (as it comes); etcd's leadership is moved there (or away) first with `etcdctl move-leader`.
//
// --keep-logs DIR copies each hospesd's log there at the end.
//
//   ./setup.sh && dotnet run -c Release --project bench/Hospes.Bench.Ha -- [--runs 5] [--cut alternate] [--write docs/benchmarks.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using Hospes.Testing.Bench;

int runs = Args.Int(args, "--runs", 5);
string? write = Args.Str(args, "--write");
string cutMode = Args.Str(args, "--cut") ?? "any";
string? keepLogs = Args.Str(args, "--keep-logs");
if (cutMode is not ("any" or "etcd-leader" or "voter" or "alternate"))
{
    Console.Error.WriteLine($"--cut {cutMode}: not a choice; use etcd-leader, voter, alternate or any");
    return 2;
}

string loadBefore = Machine.LoadAverage();
var image = new TinyImage();
string shared = Directory.CreateTempSubdirectory("hit-ha-bench-").FullName;
var namespaces = new List<NetNs>();
var daemons = new List<Daemon>();
var results = new List<Run>();
try
{
    string settings = Path.Combine(shared, "hospesd.conf");
    await File.WriteAllTextAsync(settings, $"cluster.shared_dirs = {shared}\n");
    NetNs hub = await NetNs.CreateBareAsync("hit-sw-");
    namespaces.Add(hub);
    for (int i = 1; i <= 3; i++)
    {
        NetNs ns = await NetNs.CreateBareAsync("hit-");
        namespaces.Add(ns);
        await NetNs.SwitchAsync(hub, ns, $"p{i}", $"203.0.113.{i}/24");
        daemons.Add(await Daemon.StartAsync(image, ns, "--config", settings, "--listen", $"203.0.113.{i}:8443", "--host-name", $"host-{(char)('a' + i - 1)}"));
    }

    (await daemons[0].CliAsync("cluster", "init", "--name", "bench")).Ok();
    foreach (Daemon d in daemons.Skip(1))
    {
        string token = JsonSerializer.Deserialize<HostTokenInfo>((await daemons[0].CliAsync("cluster", "token", "--format", "json")).Ok().Stdout, Wire.Options)!.Token;
        (await d.CliAsync("cluster", "join", "203.0.113.1:8443", "--token", token)).Ok();
    }

    await AllUpAsync(daemons[0]);
    string disk = Path.Combine(shared, "ha1.raw");
    File.WriteAllBytes(disk, new byte[4 << 20]);
    await Guest.CreateOnAsync(daemons[0], "host-a", "ha1", $"ha = 1\ndisk = [ 'file:{disk},xvda,w' ]");
    Daemon at = daemons[0];
    for (int run = 1; run <= runs; run++)
    {
        if (!(await at.ListAsync()).Any(v => v.Name == "ha1" && v.State == VmState.Running))
        {
            throw new InvalidOperationException($"run {run}: ha1 does not run on {Name(at)}, the host about to be cut");
        }

        if (cutMode != "any")
        {
            await SteerEtcdAsync(at, daemons, leader: cutMode == "etcd-leader" || (cutMode == "alternate" && run % 2 == 1));
        }

        int oldPid = (await at.InfoAsync("ha1")).Pid ?? throw new InvalidOperationException("ha1 does not run");
        ClusterHostInfo cut = (await HostsAsync(at)).Single(h => h.Name == Name(at));
        DateTime cutAt = DateTime.Now;
        var clock = Stopwatch.StartNew();
        (await at.Netns!.ExecAsync("ip", "link", "set", "lan0", "down")).Ok();
        Daemon? to = null;
        double running = 0;
        while (to is null)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"run {run}: ha1 did not run elsewhere within 3 min");
            }

            foreach (Daemon d in daemons.Where(d => d != at))
            {
                if ((await d.ListAsync()).Any(v => v.Name == "ha1" && v.State == VmState.Running))
                {
                    (to, running) = (d, clock.Elapsed.TotalSeconds);
                }
            }

            await Task.Delay(100);
        }

        await to.WaitForConsoleAsync("ha1", Guest.Ready, limit: TimeSpan.FromMinutes(3));
        double answering = clock.Elapsed.TotalSeconds;
        if (HostProcesses.IsAlive(oldPid))
        {
            throw new InvalidOperationException($"run {run}: the old QEMU (pid {oldPid}) still runs beside the new one");
        }

        // Where the time went, from hospesd's own log lines (local time, ms): the fence on the cut host, the move by the leader.
        double fenced = Since(cutAt, FindLine(at, cutAt, "fenced HA VM ha1") ?? throw new InvalidOperationException($"run {run}: {Name(at)} logged no fence of ha1"));
        string moveLine = daemons.Select(d => FindLine(d, cutAt, "HA VM ha1 moved to")).FirstOrDefault(l => l is not null) ?? throw new InvalidOperationException($"run {run}: no host logged the move of ha1");
        double moved = Since(cutAt, moveLine);
        double dead = moved - double.Parse(moveLine.Split("dead for ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        string why = moveLine.Split("is dead (")[1].Split(';')[0].StartsWith("heartbeat", StringComparison.Ordinal) ? "heartbeat" : "lease";
        string role = (cut.EtcdRole == "leader" ? "etcd leader" : "etcd " + cut.EtcdRole) + (cut.Leader ? ", HA leader" : "");
        var result = new Run(Name(at), role, Name(to), fenced, dead, why, moved, running, answering);
        results.Add(result);
        Console.Error.WriteLine($"run {run}: {result}");
        (await at.Netns!.ExecAsync("ip", "link", "set", "lan0", "up")).Ok();
        await AllUpAsync(at);
        Daemon old = at;
        var wait = Stopwatch.StartNew();
        while ((await old.ListAsync()).Any(v => v.Name == "ha1"))
        {
            if (wait.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"run {run}: {Name(old)} kept its copy of ha1");
            }

            await Task.Delay(300);
        }

        at = to;
    }
}
finally
{
    foreach (Daemon d in daemons)
    {
        if (keepLogs is not null && File.Exists(d.LogPath))
        {
            Directory.CreateDirectory(keepLogs);
            File.Copy(d.LogPath, Path.Combine(keepLogs, Name(d) + ".log"), overwrite: true);
        }

        await d.DisposeAsync();
    }

    foreach (NetNs ns in namespaces)
    {
        await ns.DisposeAsync();
    }

    Directory.Delete(shared, recursive: true);
}

double[] answer = [.. results.Select(r => r.Answering)];
double[] run1 = [.. results.Select(r => r.Running)];
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Machine.Cpu()}); default settings (lease 10 s renewed every 2 s with a heartbeat put, fence after 6.5 s, dead after 10 s of unchanged heartbeat or at the lease's end, restart margin 2 s; etcd election timeout 2 s); `--cut {cutMode}`; load average before: {loadBefore}, after: {Machine.LoadAverage()}.");
report.AppendLine();
report.AppendLine("Seconds from the cut; *fenced*: the cut host's log 842; *dead*: when the leader took the host for dead, and by what (its log 844 less the time dead: heartbeat unchanged for 10 s, or lease seen gone); *moved*: log 844.");
report.AppendLine();
report.AppendLine("| run | cut host (its roles) | started on | fenced | dead (by) | moved | QEMU running | guest answering |");
report.AppendLine("|---|---|---|---|---|---|---|---|");
for (int i = 0; i < results.Count; i++)
{
    Run r = results[i];
    report.AppendLine(CultureInfo.InvariantCulture, $"| {i + 1} | {r.From} ({r.Roles}) | {r.To} | {r.Fenced:0.0} | {r.Dead:0.0} ({r.By}) | {r.Moved:0.0} | {r.Running:0.0} | {r.Answering:0.0} |");
}

report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"- From the cut to the guest answering elsewhere: median **{Stats.Median(answer):0.0} s**, spread {answer.Min():0.0}–{answer.Max():0.0} s (target: at most 30 s).");
report.AppendLine(CultureInfo.InvariantCulture, $"- From the cut to its QEMU running elsewhere: median {Stats.Median(run1):0.0} s, spread {run1.Min():0.0}–{run1.Max():0.0} s.");
Console.Out.Write(report.ToString());
if (write is not null)
{
    Docs.ReplaceSection(write, "ha", report.ToString());
}

return 0;

static string Name(Daemon d) => HostOf(d);

static double Since(DateTime cutAt, string line) => (DateTime.ParseExact(line[..23], "yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture) - cutAt).TotalSeconds;

static string? FindLine(Daemon d, DateTime after, string text) => File.ReadLines(d.LogPath)
    .Where(l => l.Length > 23 && l.Contains(text, StringComparison.Ordinal))
    .LastOrDefault(l => Since(after, l) > 0);

static async Task<List<ClusterHostInfo>> HostsAsync(Daemon d) =>
    JsonSerializer.Deserialize<List<ClusterHostInfo>>((await d.CliAsync("cluster", "list", "--format", "json")).Ok().Stdout, Wire.Options) ?? [];

static string HostOf(Daemon d) => File.Exists(Path.Combine(d.StateDir, "cluster", "cluster.json"))
    ? JsonDocument.Parse(File.ReadAllText(Path.Combine(d.StateDir, "cluster", "cluster.json"))).RootElement.GetProperty("member").GetString() ?? "?"
    : "?";

static async Task AllUpAsync(Daemon d)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromMinutes(2))
    {
        CliResult r = await d.CliAsync("cluster", "list", "--format", "json");
        if (r.ExitCode == 0 && JsonSerializer.Deserialize<List<ClusterHostInfo>>(r.Stdout, Wire.Options) is { Count: 3 } hosts && hosts.All(h => h.State == "up"))
        {
            return;
        }

        await Task.Delay(500);
    }

    throw new TimeoutException($"the cluster is not whole on {d.Dir}: {d.LogTail(20)}");
}

// Moves etcd's leadership onto the host about to be cut (leader) or onto another voter (not), and waits until
// `cluster list` shows it and a few renewal rounds passed (etcd's new leader extends every lease once).
static async Task SteerEtcdAsync(Daemon at, IReadOnlyList<Daemon> daemons, bool leader)
{
    List<ClusterHostInfo> hosts = await HostsAsync(at);
    string here = Name(at);
    if ((hosts.Single(h => h.Name == here).EtcdRole == "leader") == leader)
    {
        return;
    }

    string target = leader ? here : hosts.First(h => h.Name != here && h.EtcdRole == "voter").Name;
    string dir = Path.Combine(at.StateDir, "cluster");
    string endpoints = string.Join(',', daemons.Select(d => JsonDocument.Parse(File.ReadAllText(Path.Combine(d.StateDir, "cluster", "cluster.json"))).RootElement.GetProperty("client_url").GetString()));
    string[] etcdctl = ["etcdctl", "--endpoints", endpoints, "--cacert", Path.Combine(dir, "ca.crt"), "--cert", Path.Combine(dir, "member.crt"), "--key", Path.Combine(dir, "member.key")];
    string members = (await at.Netns!.ExecAsync([.. etcdctl, "member", "list"])).Ok().Stdout;
    string id = members.Split('\n').Select(l => l.Split(", ")).First(f => f.Length > 2 && f[2] == target)[0];
    (await at.Netns.ExecAsync([.. etcdctl, "move-leader", id])).Ok();
    var clock = Stopwatch.StartNew();
    while ((await HostsAsync(at)).Single(h => h.Name == target).EtcdRole != "leader")
    {
        if (clock.Elapsed > TimeSpan.FromMinutes(1))
        {
            throw new TimeoutException($"etcd's leadership did not move to {target}");
        }

        await Task.Delay(500);
    }

    await Task.Delay(TimeSpan.FromSeconds(5));
}

internal sealed record Run(string From, string Roles, string To, double Fenced, double Dead, string By, double Moved, double Running, double Answering);
