using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The three gaps in a project's limits over a cluster that session 12 closed, against real etcd and guests (three
/// hosts in namespaces on one switch). A join races a define for a project's last VM: at most one gets it. `project
/// set` and `delete` on one host answer with the cluster's usage (and a delete of a project whose VMs are elsewhere is
/// refused). An HA move keeps the VM's memory counted from the moment its claim moves (etcd's history shows the key
/// moved in the same revision), so a start elsewhere finds no room while the VM restarts.
/// </summary>
public sealed class ClusterUseGapsTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);
    private readonly ClusterLab _lab = new(image, new() { SharedFolder = true });
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync() => (_a, _b, _c) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task ProjectAnswersShowTheClustersUsage_AndAJoinRacingADefineForTheLastVm_LetsOnlyOneHaveIt()
    {
        await _lab.InitAsync();
        await _lab.JoinAsync(_b);
        (await _a.CliAsync("project", "create", "lab", "--limit", "vms=3")).Ok();
        await ClusterWait.UntilAsync(async () => (await _b.CliAsync("project", "show", "lab")).ExitCode == 0, Within, "host-b takes project lab");
        (await Define(_a, "a1", "lab")).Ok();
        (await Define(_b, "b1", "lab")).Ok();
        (await _a.CliAsync("start", "a1")).Ok();
        (await _b.CliAsync("start", "b1")).Ok();
        await ClusterWait.UntilAsync(async () => (await _b.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.MemoryMib == 384, Within, "the cluster counts a1 and b1");

        // `project set` on B answers with the cluster's usage, by host, as `project show` does (before: B's own 192 MiB).
        ProjectUsageInfo set = (await _b.JsonAsync<ProjectInfo>("project", "set", "lab", "--limit", "memory=1000M")).Usage;
        Assert.Equal((2, 384L, 2), (set.Vms, set.MemoryMib, set.Vcpus));
        Assert.Equal(new Dictionary<string, long> { ["host-a"] = 192, ["host-b"] = 192 }, set.MemoryByHost);
        Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }, set.VmsByHost);

        // A project whose only VM is on A: B refuses to delete it, naming where it is; once it is gone, B deletes it.
        Assert.Equal(0, (await _b.JsonAsync<ProjectInfo>("project", "create", "lab3")).Usage.Vms);
        await ClusterWait.UntilAsync(async () => (await _a.CliAsync("project", "show", "lab3")).ExitCode == 0, Within, "host-a takes project lab3");
        (await Define(_a, "v3", "lab3")).Ok();
        Assert.Equal(
            "hospes: cannot delete project lab3: 1 VM(s) of it are on other hosts of the cluster (host-a 1); delete them there first",
            (await _b.CliAsync("project", "delete", "lab3")).Fails());
        (await _a.CliAsync("delete", "v3")).Ok();
        Assert.Equal(0, (await _b.JsonAsync<ProjectInfo>("project", "delete", "lab3")).Usage.Vms);

        // C, in no cluster, holds c1 in its own lab: its join fits (2 + 1 of 3) when A checks it. As soon as A has C's
        // member record (written after that check, before C's etcd runs and claims c1) C's hospesd is stopped (SIGSTOP)
        // while A defines a2, then continued: only one of the two may have the third VM. Before, C's claims bumped no
        // counter and were not checked again: both went through and lab had 4 VMs of 3.
        (await _c.CliAsync("project", "create", "lab", "--limit", "vms=3")).Ok();
        (await _c.CliAsync("define", "--project", "lab", _c.WriteConfig("c1.cfg", Guest.Config("c1")))).Ok();
        int membersBefore = (await Etcd(_a, "member", "list")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Task<CliResult> join = _c.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a));
        var clock = Stopwatch.StartNew();
        while (!join.IsCompleted && clock.Elapsed < Within && await EtcdGetAsync(_a, "/hospes/course/members/host-c") == "")
        {
            await Task.Delay(50);
        }

        string pid = _c.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bool held = !join.IsCompleted && (await Run.ProcessAsync("kill", ["-STOP", pid], timeout: TimeSpan.FromSeconds(10))).ExitCode == 0;
        bool unclaimed = held && await EtcdGetAsync(_a, "/hospes/course/vms/c1") == "";
        CliResult define = await Define(_a, "a2", "lab");
        if (held)
        {
            (await Run.ProcessAsync("kill", ["-CONT", pid], timeout: TimeSpan.FromSeconds(10))).Ok();
        }

        CliResult joined = await join;
        Console.WriteLine($"join {(joined.ExitCode == 0 ? "won" : "lost")}, define {(define.ExitCode == 0 ? "won" : "lost")} (C held before it claimed c1: {unclaimed})");

        Assert.Equal(1, new[] { joined, define }.Count(r => r.ExitCode == 0));
        if (unclaimed)
        {
            // The define came first (C could not claim meanwhile): the join is the one refused.
            Assert.True(define.ExitCode == 0, define.Stderr);
        }

        ProjectInfo lab = await _a.JsonAsync<ProjectInfo>("project", "show", "lab");
        Assert.Equal(3, lab.Usage.Vms);
        if (joined.ExitCode != 0)
        {
            string refused = joined.Fails();
            Assert.Contains("host 'host-c' cannot join cluster 'course': its VMs would take projects over their limits", refused, StringComparison.Ordinal);
            Assert.Contains("project lab: 3 of 3 VMs used in cluster 'course' (host-a 2, host-b 1), joining host-c with 1 VM would make 4", refused, StringComparison.Ordinal);
            Assert.Contains("this host left the cluster again", refused, StringComparison.Ordinal);
            Assert.Contains("in no cluster", (await _c.CliAsync("cluster", "leave")).Fails(), StringComparison.Ordinal);
            Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/vms/c1"));
            Assert.Equal(membersBefore, (await Etcd(_a, "member", "list")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(new Dictionary<string, int> { ["host-a"] = 2, ["host-b"] = 1 }, lab.Usage.VmsByHost);

            // A and B go on as before: a define on B is refused by the limit, not by etcd.
            Assert.Contains("3 of 3 VMs used in cluster 'course'", (await Define(_b, "b2", "lab")).Fails(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("3 of 3 VMs used in cluster 'course' (host-a 1, host-b 1, host-c 1)", define.Fails(), StringComparison.Ordinal);
            Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1, ["host-c"] = 1 }, lab.Usage.VmsByHost);
        }
    }

    [Fact]
    public async Task AnHaMove_KeepsTheVmsMemoryCounted_FromTheRevisionItsClaimMoves_SoAStartElsewhereFindsNoRoom()
    {
        await _lab.FormHaAsync();
        (await _a.CliAsync("project", "set", "default", "--limit", "memory=300M")).Ok();
        foreach (Daemon d in new[] { _b, _c })
        {
            await ClusterWait.UntilAsync(async () => (await d.JsonAsync<ProjectInfo>("project", "show", "default")).Limits.MemoryMib == 300, Within, $"{_lab.NameOf(d)} takes the limit");
        }

        // ha1 (192 MiB) runs on B: x1 on A (192 more) does not fit in 300.
        await _lab.HaGuestAsync(_b);
        (await _a.CliAsync("define", _a.WriteConfig("x1.cfg", Guest.Config("x1")), "--host", "host-a")).Ok();
        Assert.Contains("192 MiB of 300 MiB memory used in cluster 'ha' (host-b 192 MiB), starting x1 would make 384 MiB", (await _a.CliAsync("start", "x1")).Fails(), StringComparison.Ordinal);
        long before = Events(await Etcd(_a, "get", "/hospes/ha/vms/ha1", "-w", "json"), "kvs").Single().Revision;

        // B cut off: the leader moves ha1 to A or C, which restarts it.
        (await _b.Netns!.ExecAsync("ip", "link", "set", "lan0", "down")).Ok();
        Daemon? to = null;
        var clock = Stopwatch.StartNew();
        while (to is null && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            foreach (Daemon d in new[] { _a, _c })
            {
                if ((await d.ListAsync()).Any(v => v.Name == "ha1" && v.State == VmState.Running))
                {
                    to = d;
                }
            }

            await Task.Delay(200);
        }

        Assert.True(to is not null, $"ha1 did not run on another host within 120 s; A's log:\n{_a.LogTail(30)}\nC's log:\n{_c.LogTail(30)}");
        string target = _lab.NameOf(to);

        // etcd's history: the revision in which ha1's claim moved to the target has ha1's usage key there already (before:
        // still host-b's, then deleted by the target's round until the restart wrote it again), and it never went after.
        WatchEvent moved = Events(await Etcd(_a, TimeSpan.FromSeconds(30), "watch", "--rev", before.ToString(System.Globalization.CultureInfo.InvariantCulture), "/hospes/ha/vms/ha1", "-w", "json"), "Events")
            .First(e => e.Value is not null && JsonNode.Parse(e.Value)!["host"]!.GetValue<string>() == target);
        string atMove = (await Etcd(_a, "get", "/hospes/ha/vmuse/ha1", "--rev", moved.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), "--print-value-only")).Ok().Stdout.Trim();
        Assert.True(atMove.Length > 0, $"no vmuse/ha1 at revision {moved.Revision}, where its claim moved to {target}");
        Assert.Equal(target, JsonNode.Parse(atMove)!["host"]!.GetValue<string>());
        IReadOnlyList<WatchEvent> since = Events(await Etcd(_a, TimeSpan.FromSeconds(30), "watch", "--rev", moved.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), "/hospes/ha/vmuse/ha1", "-w", "json"), "Events");
        Assert.DoesNotContain(since, e => e.Value is null);

        // ha1 runs on the target and counts there once; x1 still finds no room. When the target is A itself, A's own
        // count refuses first (the same figures without "in cluster"; seen in a full run); else the cluster's names it.
        string refusal = (await _a.CliAsync("start", "x1")).Fails();
        Assert.Contains("192 MiB of 300 MiB memory used", refusal, StringComparison.Ordinal);
        Assert.Contains("starting x1 would make 384 MiB", refusal, StringComparison.Ordinal);
        if (to != _a)
        {
            Assert.Contains($"192 MiB of 300 MiB memory used in cluster 'ha' ({target} 192 MiB), starting x1 would make 384 MiB", refusal, StringComparison.Ordinal);
        }

        Assert.Equal(new Dictionary<string, long> { [target] = 192 }, (await _c.JsonAsync<ProjectInfo>("project", "show", "default")).Usage.MemoryByHost);
    }

    private Task<CliResult> Define(Daemon d, string name, string project) =>
        d.CliAsync("define", "--project", project, d.WriteConfig($"{name}.cfg", Guest.Config(name)), "--host", _lab.NameOf(d));

    /// <summary>etcdctl with <paramref name="args"/> inside <paramref name="d"/>'s namespace, with its cluster certificate; a watch ends after 8 s.</summary>
    private static Task<CliResult> Etcd(Daemon d, params string[] args) => Etcd(d, TimeSpan.FromSeconds(30), args);

    private static Task<CliResult> Etcd(Daemon d, TimeSpan limit, params string[] args)
    {
        string dir = Path.Combine(d.StateDir, "cluster");
        string endpoint = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cluster.json")))!["client_url"]!.GetValue<string>();
        string[] watch = args is ["watch", ..] ? ["timeout", "8"] : [];
        return d.Netns!.ExecAsync(limit, [.. watch, "env", "ETCDCTL_API=3", "etcdctl", "--endpoints", endpoint, "--cacert", Path.Combine(dir, "ca.crt"),
            "--cert", Path.Combine(dir, "member.crt"), "--key", Path.Combine(dir, "member.key"), .. args]);
    }

    /// <summary>The key-values of etcdctl's JSON lines (a get's "kvs", a watch's "Events"): each one's value (null: deleted) and revision.</summary>
    private static List<WatchEvent> Events(CliResult r, string field)
    {
        var events = new List<WatchEvent>();
        foreach (string line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (JsonNode.Parse(line)?[field] is not JsonArray items)
            {
                continue;
            }

            foreach (JsonNode? item in items)
            {
                JsonNode kv = field == "kvs" ? item! : item!["kv"]!;
                bool deleted = item!["type"] is { } type && type.ToString() is "1" or "DELETE";
                string? value = deleted ? null : Encoding.UTF8.GetString(Convert.FromBase64String(kv["value"]?.GetValue<string>() ?? ""));
                events.Add(new WatchEvent(value, kv["mod_revision"]!.GetValue<long>()));
            }
        }

        Assert.True(events.Count > 0, $"etcdctl answered no {field}: {r.Stdout}\n{r.Stderr}");
        return events;
    }

    private sealed record WatchEvent(string? Value, long Revision);
}
