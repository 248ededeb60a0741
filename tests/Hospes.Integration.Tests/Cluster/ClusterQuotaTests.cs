using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// A project's VM limit holds for the whole cluster (issue 17): three hosts in namespaces on one switch
/// (203.0.113.1-3), all in cluster "course". Project lab (limit 2 VMs) made on A: one VM defined on A, one on B, so a
/// third on C is refused naming the project, the limit, the cluster-wide usage and the fix; once one is deleted the
/// third fits. Then two defines racing on A and B for the last slot: exactly one is made, the other leaves nothing
/// (no VM, no folder, no claim: the project counts 2 everywhere).
/// </summary>
public sealed class ClusterQuotaTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
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
    public async Task AProjectsVmLimit_CountsEveryHost_RefusesTheThird_FitsAfterADelete_AndARaceForTheLastSlotMakesOne()
    {
        (await _a.CliAsync("project", "create", "lab", "--limit", "vms=2")).Ok();
        foreach (Daemon d in new[] { _b, _c })
        {
            await ClusterWait.UntilAsync(async () => (await d.CliAsync("project", "show", "lab")).ExitCode == 0, ClusterWait.Limit, $"{_lab.NameOf(d)} takes project lab");
        }

        (await Define(_a, "a1")).Ok();
        (await Define(_b, "b1")).Ok();

        // C has none of lab's VMs, but the cluster has two: refused, with the cluster's arithmetic and the way out.
        string refused = (await Define(_c, "c1")).Fails();
        Assert.Contains("project lab: 2 of 2 VMs used in cluster 'course' (host-a 1, host-b 1), creating c1 would make 3", refused, StringComparison.Ordinal);
        Assert.Contains("hospes project set lab --limit vms=3 or delete a VM", refused, StringComparison.Ordinal);
        Assert.Contains("nothing was created", refused, StringComparison.Ordinal);
        Assert.Equal(["a1", "b1"], await NamesAsync(_c, host: null));
        Assert.Empty(VmFolders(_c));

        // Every host shows the cluster's usage, with where the VMs are.
        ProjectInfo seenOnC = await _c.JsonAsync<ProjectInfo>("project", "show", "lab");
        Assert.Equal(2, seenOnC.Usage.Vms);
        Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }, seenOnC.Usage.VmsByHost);
        Assert.Equal(2, (await _a.JsonAsync<List<ProjectInfo>>("project", "list")).Single(p => p.Name == "lab").Usage.Vms);

        // One deleted: the third fits.
        (await _b.CliAsync("delete", "b1")).Ok();
        (await Define(_c, "c1")).Ok();
        Assert.Equal(new Dictionary<string, int> { ["host-a"] = 1, ["host-c"] = 1 }, (await _b.JsonAsync<ProjectInfo>("project", "show", "lab")).Usage.VmsByHost);

        // The last slot, taken by two hosts at once: exactly one gets it; the other leaves nothing behind.
        (await _c.CliAsync("delete", "c1")).Ok();
        Dictionary<Daemon, int> folders = new() { [_a] = VmFolders(_a).Length, [_b] = VmFolders(_b).Length };
        Task<CliResult> onA = Define(_a, "race-a");
        Task<CliResult> onB = Define(_b, "race-b");
        CliResult[] both = await Task.WhenAll(onA, onB);
        Assert.Equal(1, both.Count(r => r.ExitCode == 0));
        CliResult lost = both.Single(r => r.ExitCode != 0);
        Assert.Contains("2 of 2 VMs used in cluster 'course'", lost.Fails(), StringComparison.Ordinal);

        (Daemon winner, Daemon loser, string won, string gone) = both[0].ExitCode == 0 ? (_a, _b, "race-a", "race-b") : (_b, _a, "race-b", "race-a");
        Assert.Contains(won, await NamesAsync(winner, _lab.NameOf(winner)));
        Assert.DoesNotContain(gone, await NamesAsync(_c, host: null));
        Assert.Equal(folders[loser], VmFolders(loser).Length);
        ProjectInfo after = await _c.JsonAsync<ProjectInfo>("project", "show", "lab");
        Assert.Equal(2, after.Usage.Vms);
        Assert.Equal(winner == _a ? new Dictionary<string, int> { ["host-a"] = 2 } : new Dictionary<string, int> { ["host-a"] = 1, ["host-b"] = 1 }, after.Usage.VmsByHost);

        // The loser's name is free in the cluster (no claim left): it can be defined once there is room.
        (await _a.CliAsync("project", "set", "lab", "--limit", "vms=3")).Ok();
        await ClusterWait.UntilAsync(async () => (await loser.JsonAsync<ProjectInfo>("project", "show", "lab")).Limits.Vms == 3, ClusterWait.Limit, $"{_lab.NameOf(loser)} takes the new limit");
        (await Define(loser, gone)).Ok();
    }

    /// <summary>The cluster's VMs as <paramref name="d"/> lists them (all hosts'), or only those on <paramref name="host"/>; sorted.</summary>
    private static async Task<string[]> NamesAsync(Daemon d, string? host) =>
        [.. (await d.JsonAsync<List<VmInfo>>("list")).Where(v => host is null || v.Host == host).Select(v => v.Name).Order(StringComparer.Ordinal)];

    private static string[] VmFolders(Daemon d)
    {
        string dir = Path.Combine(d.StateDir, "vms");
        return Directory.Exists(dir) ? Directory.GetDirectories(dir) : [];
    }

    /// <summary>Defines a tiny guest in project lab on <paramref name="d"/> itself (not started: admission runs at define).</summary>
    private Task<CliResult> Define(Daemon d, string name) =>
        d.CliAsync("define", "--project", "lab", d.WriteConfig($"{name}.cfg", Guest.Config(name)), "--host", _lab.NameOf(d));
}
