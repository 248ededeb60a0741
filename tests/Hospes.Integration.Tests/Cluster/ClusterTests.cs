using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// Three hosts, each a hospesd (and, once in the cluster, its etcd member) in its own network namespace, on one switch
/// (203.0.113.1-3, in namespaces the test made): init, tokens, join, list, VM ownership in etcd, a hospesd killed with
/// -9 going down after its lease's TTL and coming back. No guest boots: VMs are defined only.
/// </summary>
public sealed class ClusterTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private readonly ClusterLab _lab = new(image);
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync() => (_a, _b, _c) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task InitAndTwoJoins_EveryHostListsThreeUp_TokensWorkOnce_VmsAreOwnedInEtcd_AndAKilledHostGoesDownThenComesBack()
    {
        Assert.Contains("in no cluster", (await _a.CliAsync("cluster", "list")).Fails(), StringComparison.Ordinal);
        (await _b.CliAsync("define", _b.WriteConfig("pre.cfg", Guest.Config("pre")))).Ok();

        ClusterInfo made = await _a.JsonAsync<ClusterInfo>("cluster", "init", "--name", "course");
        Assert.Equal(("course", "host-a", "https://203.0.113.1:2379"), (made.Name, made.Member, made.EtcdUrl));

        // A token whose cluster secret the cluster never issued: refused, and B is in no cluster.
        string forged = Forge(await TokenAsync(_a));
        Assert.Contains("refused the join token", (await _b.CliAsync("cluster", "join", AddressA, "--token", forged)).Fails(), StringComparison.Ordinal);
        Assert.Contains("in no cluster", (await _b.CliAsync("cluster", "list")).Fails(), StringComparison.Ordinal);
        Assert.Contains("host token", (await _b.CliAsync("cluster", "join", AddressA, "--token", (await _a.JsonAsync<HostTokenInfo>("host", "token")).Token)).Fails(), StringComparison.Ordinal);

        string token = await TokenAsync(_a);
        ClusterInfo joined = await _b.JsonAsync<ClusterInfo>("cluster", "join", AddressA, "--token", token);
        Assert.Equal(("course", "host-b", false), (joined.Name, joined.Member, joined.Learner));
        Assert.Contains("already used", (await _c.CliAsync("cluster", "join", AddressA, "--token", token)).Fails(), StringComparison.Ordinal);
        (await _c.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        Assert.Contains("already a member", (await _b.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Fails(), StringComparison.Ordinal);

        foreach (Daemon d in new[] { _a, _b, _c })
        {
            List<ClusterHostInfo> hosts = await ClusterWait.HostsAsync(d, h => h.Count == 3 && h.All(x => x.State == "up" && x.EtcdRole is "leader" or "voter"));
            Assert.Equal(["host-a", "host-b", "host-c"], hosts.Select(h => h.Name).Order(StringComparer.Ordinal));
            Assert.Single(hosts, h => h.EtcdRole == "leader");
            Assert.All(hosts, h => Assert.True(h.Cpus > 0 && h.MemoryTotalMib > 0, $"{h.Name}: {h.Cpus} CPUs, {h.MemoryTotalMib} MiB"));
        }

        // Ownership: a key per VM in etcd, claimed by compare-create; B's VM from before it joined is B's.
        (await _a.CliAsync("define", _a.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-a")).Ok();
        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_a, "/hospes/course/vms/web"), StringComparison.Ordinal);
        Assert.Contains("\"host\":\"host-b\"", await EtcdGetAsync(_c, "/hospes/course/vms/pre"), StringComparison.Ordinal);
        string clash = (await _b.CliAsync("define", _b.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-b")).Fails();
        Assert.Contains("taken in cluster 'course': host 'host-a' owns it", clash, StringComparison.Ordinal);
        Assert.DoesNotContain("web", (await _b.ListAsync()).Select(v => v.Name));
        (await _a.CliAsync("delete", "web")).Ok();
        Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/vms/web"));
        (await _b.CliAsync("define", _b.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-b")).Ok();

        // kill -9: B's lease is no longer renewed; after its TTL (10 s) A shows B down, with when it was last seen.
        await _b.KillHardAsync();
        ClusterHostInfo down = (await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-b" && x.State == "down"), TimeSpan.FromSeconds(60))).Single(h => h.Name == "host-b");
        Assert.NotNull(down.LastSeen);
        Assert.Equal(2, (await _a.JsonAsync<List<ClusterHostInfo>>("cluster", "list")).Count(h => h.State == "up"));

        await _b.RestartAsync();
        foreach (Daemon d in new[] { _a, _b })
        {
            await ClusterWait.HostsAsync(d, h => h.Count == 3 && h.All(x => x.State == "up"), TimeSpan.FromSeconds(60));
        }

        Assert.Equal(["pre", "web"], (await _b.ListAsync()).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Contains("\"host\":\"host-b\"", await EtcdGetAsync(_a, "/hospes/course/vms/web"), StringComparison.Ordinal);

        // C goes for good: refused while it is up; once down, removed (its etcd member with it): A and B remain.
        Assert.Contains("host 'host-c' is up", (await _a.CliAsync("cluster", "remove", "host-c")).Fails(), StringComparison.Ordinal);
        await _c.KillHardAsync();
        await HostProcesses.KillAllAsync(_c.Dir + "/", "etcd");
        await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-c" && x.State == "down"), TimeSpan.FromSeconds(60));
        (await _a.CliAsync("cluster", "remove", "host-c")).Ok();
        await ClusterWait.HostsAsync(_b, h => h.Count == 2 && h.All(x => x.State == "up" && x.EtcdRole is "leader" or "voter"));

        // C comes back with its old state (hospesd restarted; its etcd member is gone from etcd): it does not write itself
        // back into the cluster, says it was removed, defines nothing, stops its etcd; `cluster leave` clears what it kept.
        await _c.RestartAsync();
        await ClusterWait.UntilAsync(
            async () => await _c.CliAsync("cluster", "list") is { ExitCode: not 0 } r && r.Stderr.Contains("was removed from cluster 'course'", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90),
            "C says it was removed");
        Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/members/host-c"));
        Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/hosts/host-c"));
        Assert.Equal(["host-a", "host-b"], (await _a.JsonAsync<List<ClusterHostInfo>>("cluster", "list")).Select(h => h.Name).Order(StringComparer.Ordinal));
        Assert.Contains("was removed from cluster 'course'", (await _c.CliAsync("define", _c.WriteConfig("late.cfg", Guest.Config("late")))).Fails(), StringComparison.Ordinal);
        Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/vms/late"));
        string etcdData = Path.Combine(_c.StateDir, "cluster", "etcd");
        await ClusterWait.UntilAsync(() => Task.FromResult(HostProcesses.WithArgument(etcdData, "--data-dir").Count == 0), TimeSpan.FromSeconds(60), "C's etcd stops");
        (await _c.CliAsync("cluster", "leave")).Ok();
        Assert.Contains("in no cluster", (await _c.CliAsync("cluster", "list")).Fails(), StringComparison.Ordinal);
        Assert.Equal(["host-a", "host-b"], (await _a.JsonAsync<List<ClusterHostInfo>>("cluster", "list")).Select(h => h.Name).Order(StringComparer.Ordinal));

        // Quorum lost (B gone too, hospesd and etcd: one of two members left): A refuses changes, naming etcd and why, and makes nothing.
        await _b.KillHardAsync();
        await HostProcesses.KillAllAsync(_b.Dir + "/", "etcd");

        string refused = (await _a.CliAsync("define", _a.WriteConfig("db.cfg", Guest.Config("db")), "--host", "host-a")).Fails();
        Assert.Contains("etcd at https://203.0.113.1:2379 cannot commit a change", refused, StringComparison.Ordinal);
        Assert.Contains("the cluster may have lost its quorum", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("db", (await _a.ListAsync()).Select(v => v.Name));
    }

    /// <summary>
    /// `cluster leave` of a voter in a cluster of three (its own etcd member removed through itself, which stops before it
    /// answers): it leaves; the two others go on, voting and committing; it keeps its VM, now on its own.
    /// </summary>
    [Fact]
    public async Task AVoterLeaves_TheOthersGoOnWithoutIt_AndItKeepsItsVmOnItsOwn()
    {
        await _lab.FormAsync();
        (await _c.CliAsync("define", _c.WriteConfig("own.cfg", Guest.Config("own")), "--host", "host-c")).Ok();
        Assert.Contains("\"host\":\"host-c\"", await EtcdGetAsync(_a, "/hospes/course/vms/own"), StringComparison.Ordinal);

        (await _c.CliAsync("cluster", "leave")).Ok();
        Assert.Contains("in no cluster", (await _c.CliAsync("cluster", "list")).Fails(), StringComparison.Ordinal);
        Assert.Equal(["own"], (await _c.ListAsync()).Select(v => v.Name));
        Assert.Empty(HostProcesses.WithArgument(Path.Combine(_c.StateDir, "cluster", "etcd"), "--data-dir"));

        await ClusterWait.HostsAsync(_a, h => h.Count == 2 && h.All(x => x.State == "up" && x.EtcdRole is "leader" or "voter"));
        Assert.Equal("", await EtcdGetAsync(_a, "/hospes/course/vms/own"));
        Assert.DoesNotContain("own", (await _a.JsonAsync<List<VmInfo>>("list")).Select(v => v.Name));
        (await _b.CliAsync("define", _b.WriteConfig("after.cfg", Guest.Config("after")), "--host", "host-b")).Ok();
        Assert.Contains("\"host\":\"host-b\"", await EtcdGetAsync(_a, "/hospes/course/vms/after"), StringComparison.Ordinal);
    }

    /// <summary>The same token with a cluster secret of our own.</summary>
    private static string Forge(string token)
    {
        JsonObject json = JsonNode.Parse(Base64Url.DecodeFromChars(token.AsSpan("hospes1.".Length)))!.AsObject();
        json["cluster_secret"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return "hospes1." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(json));
    }
}
