using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// A project's memory and vCPU limits hold for the whole cluster (issue 17): three hosts in namespaces on one switch
/// (203.0.113.1-3), all in cluster "course". Project lab (memory 400 MiB, the tiny guest has 192) made on A: a1 running
/// on A and b1 on B fill it, so a start of c1 on C is refused naming the project, the limit, the cluster's usage by
/// host and the fix, and leaves no QEMU; once b1 stops, c1 starts. Then two starts racing on A and B for the last
/// room: exactly one runs, the other leaves no QEMU, and the project counts what runs, by host, on every host. Last, a
/// fourth host D running d1 in its own lab is refused at join while d1 would take lab over its limit, and joins once d1 stops.
/// </summary>
public sealed class ClusterQuotaResourceTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);
    private readonly ClusterLab _lab = new(image);
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        (_a, _b, _c) = await _lab.StartAsync();
        await _lab.FormAsync(waitUp: false);
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task AProjectsMemoryLimit_CountsEveryHostsRunningVms_RefusesAStartOnAThird_StartsAfterAStop_AndARaceForTheLastRoomRunsOne()
    {
        (await _a.CliAsync("project", "create", "lab", "--limit", "memory=400M", "--limit", "vcpus=3")).Ok();
        foreach (Daemon d in new[] { _b, _c })
        {
            await ClusterWait.UntilAsync(async () => (await d.CliAsync("project", "show", "lab")).ExitCode == 0, Within, $"{_lab.NameOf(d)} takes project lab");
        }

        foreach ((Daemon d, string name) in new[] { (_a, "a1"), (_b, "b1"), (_c, "c1") })
        {
            (await Define(d, name)).Ok();
        }

        (await _a.CliAsync("start", "a1")).Ok();
        (await _b.CliAsync("start", "b1")).Ok();

        // C runs nothing of lab, but the cluster runs 384 of its 400 MiB: refused, with the arithmetic, the hosts and the way out.
        string refused = (await _c.CliAsync("start", "c1")).Fails();
        Assert.Equal(
            "hospes: cannot start c1: project lab: 384 MiB of 400 MiB memory used in cluster 'course' (host-a 192 MiB, host-b 192 MiB), starting c1 would make 576 MiB; "
            + "raise the limit with hospes project set lab --limit memory=576M or stop a VM; nothing was started",
            refused);
        Assert.Empty(_c.Qemus());
        Assert.Equal(VmState.Shutoff, (await _c.InfoAsync("c1")).State);

        // Every host shows the cluster's running usage, by host.
        ProjectInfo seenOnC = await _c.JsonAsync<ProjectInfo>("project", "show", "lab");
        Assert.Equal((384L, 2), (seenOnC.Usage.MemoryMib, seenOnC.Usage.Vcpus));
        Assert.Equal(new Dictionary<string, long> { ["host-a"] = 192, ["host-b"] = 192 }, seenOnC.Usage.MemoryByHost);
        Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }, seenOnC.Usage.VcpusByHost);
        Assert.Contains("384/400 (host-a 192, host-b 192)", (await _c.CliAsync("project", "show", "lab")).Ok().Stdout, StringComparison.Ordinal);

        // b1 stops: its usage goes from the cluster's count (B's next round), and c1 starts.
        (await _b.CliAsync("destroy", "b1")).Ok();
        await ClusterWait.UntilAsync(async () => (await _c.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.MemoryMib == 192, Within, "the cluster counts b1 no more");
        (await _c.CliAsync("start", "c1")).Ok();
        Assert.Single(_c.Qemus());
        Assert.Equal(new Dictionary<string, long> { ["host-a"] = 192, ["host-c"] = 192 }, (await _b.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.MemoryByHost);

        // c1 stops: room for one more guest (192 + 192 <= 400), and A and B both start one at once: exactly one runs.
        (await _c.CliAsync("destroy", "c1")).Ok();
        await ClusterWait.UntilAsync(async () => (await _a.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.MemoryMib == 192, Within, "the cluster counts c1 no more");
        (await Define(_a, "race-a")).Ok();
        int qemusOnA = _a.Qemus().Count;
        int qemusOnB = _b.Qemus().Count;
        CliResult[] both = await Task.WhenAll(_a.CliAsync("start", "race-a"), _b.CliAsync("start", "b1"));
        Assert.Equal(1, both.Count(r => r.ExitCode == 0));
        string lost = both.Single(r => r.ExitCode != 0).Fails();
        Assert.Contains("384 MiB of 400 MiB memory used in cluster 'course'", lost, StringComparison.Ordinal);
        Assert.EndsWith("nothing was started", lost, StringComparison.Ordinal);

        (Daemon winner, Daemon loser, string gone) = both[0].ExitCode == 0 ? (_a, _b, "b1") : (_b, _a, "race-a");
        Assert.Equal(loser == _a ? qemusOnA : qemusOnB, loser.Qemus().Count);
        Assert.Equal(VmState.Shutoff, (await loser.InfoAsync(gone)).State);
        ProjectInfo after = await _c.JsonAsync<ProjectInfo>("project", "show", "lab");
        Assert.Equal(384, after.Usage.MemoryMib);
        Assert.Equal(winner == _a ? new Dictionary<string, long> { ["host-a"] = 384 } : new Dictionary<string, long> { ["host-a"] = 192, ["host-b"] = 192 }, after.Usage.MemoryByHost);

        // D, in no cluster, runs d1 in its own project lab: joining with it running would take the cluster's lab over
        // its memory limit, so the member refuses before anything changes; with d1 stopped D joins.
        Daemon hostD = await _lab.AddHostAsync();
        (await hostD.CliAsync("project", "create", "lab", "--limit", "memory=400M")).Ok();
        (await hostD.CliAsync("define", "--project", "lab", hostD.WriteConfig("d1.cfg", Guest.Config("d1")))).Ok();
        (await hostD.CliAsync("start", "d1")).Ok();
        string joinRefused = (await hostD.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Fails();
        Assert.Contains("host 'host-d' cannot join cluster 'course': its VMs would take projects over their limits", joinRefused, StringComparison.Ordinal);
        Assert.Contains("project lab: 384 MiB of 400 MiB memory used in cluster 'course' (", joinRefused, StringComparison.Ordinal);
        Assert.Contains("joining host-d with 1 VM would make 576 MiB; raise the limit with hospes project set lab --limit memory=576M or stop a VM", joinRefused, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", joinRefused, StringComparison.Ordinal);
        Assert.Contains("in no cluster", (await hostD.CliAsync("cluster", "leave")).Fails(), StringComparison.Ordinal);
        Assert.Equal(384, (await _a.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.MemoryMib);
        (await hostD.CliAsync("destroy", "d1")).Ok();
        (await hostD.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        Assert.Equal(384, (await hostD.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.MemoryMib);
    }

    /// <summary>Defines a tiny guest in project lab on <paramref name="d"/> itself (not started).</summary>
    private Task<CliResult> Define(Daemon d, string name) =>
        d.CliAsync("define", "--project", "lab", d.WriteConfig($"{name}.cfg", Guest.Config(name)), "--host", _lab.NameOf(d));
}
