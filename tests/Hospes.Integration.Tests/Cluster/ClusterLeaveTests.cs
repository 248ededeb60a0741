using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// One host in its own namespace (hospesd listening on the namespace's loopback): a cluster of one, left again — its
/// etcd stops and its cluster folder goes, its VMs stay — and made anew; bad input first.
/// </summary>
public sealed class ClusterLeaveTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private NetNs _ns = null!;
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _ns = await NetNs.CreateBareAsync("hit-");
        _d = await Daemon.StartAsync(image, _ns, "--listen", "127.0.0.1:8443", "--host-name", "solo");
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        await _ns.DisposeAsync();
    }

    [Fact]
    public async Task InitThenLeave_StopsEtcd_KeepsTheVms_AndInitWorksAgain_AndBadInputIsRefused()
    {
        Assert.Contains("in no cluster", (await _d.CliAsync("cluster", "leave")).Fails(), StringComparison.Ordinal);
        Assert.Contains("cluster name 'a.b'", (await _d.CliAsync("cluster", "init", "--name", "a.b")).Fails(), StringComparison.Ordinal);
        (await _d.CliAsync("define", _d.WriteConfig("web.cfg", Guest.Config("web")))).Ok();

        (await _d.CliAsync("cluster", "init", "--name", "one")).Ok();
        Assert.Contains("already in cluster 'one'", (await _d.CliAsync("cluster", "init")).Fails(), StringComparison.Ordinal);
        Assert.Contains("is this host", (await _d.CliAsync("cluster", "remove", "solo")).Fails(), StringComparison.Ordinal);
        Assert.Contains("no host 'ghost'", (await _d.CliAsync("cluster", "remove", "ghost")).Fails(), StringComparison.Ordinal);
        Assert.Single(HostProcesses.WithArgument(_d.Dir + "/", "etcd"));

        ClusterInfo left = await _d.JsonAsync<ClusterInfo>("cluster", "leave");
        Assert.Equal("one", left.Name);
        Assert.Empty(HostProcesses.WithArgument(_d.Dir + "/", "etcd"));
        Assert.False(Directory.Exists(Path.Combine(_d.StateDir, "cluster")));
        Assert.Equal(["web"], (await _d.ListAsync()).Select(v => v.Name));
        Assert.Contains("in no cluster", (await _d.CliAsync("cluster", "list")).Fails(), StringComparison.Ordinal);

        (await _d.CliAsync("cluster", "init", "--name", "two")).Ok();
        ClusterHostInfo solo = Assert.Single(await _d.JsonAsync<List<ClusterHostInfo>>("cluster", "list"));
        Assert.Equal(("solo", "up", "leader", 1), (solo.Name, solo.State, solo.EtcdRole, solo.Vms));
    }
}
