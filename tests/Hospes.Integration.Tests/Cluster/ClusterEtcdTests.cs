using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The cluster's etcd (issue 17): voters up to cluster.voters then learners, a learner promoted when a voter is
/// removed, etcd ports from settings and options (a taken one refused), and an etcd the admin runs (--etcd, mutual
/// TLS) that hospesd uses instead of a member of its own. Hosts are hospesd in namespaces on one switch (203.0.113.x);
/// no guest boots.
/// </summary>
public sealed class ClusterEtcdTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private readonly ClusterLab _lab = new(image, new() { Hosts = 0 });
    private Process? _etcd;

    public Task InitializeAsync() => _lab.StartAsync();

    public async Task DisposeAsync()
    {
        if (_etcd is { } etcd)
        {
            etcd.Kill();
            await etcd.WaitForExitAsync();
            etcd.Dispose();
        }

        await _lab.DisposeAsync();
    }

    [Fact]
    public async Task FourHosts_TheFourthIsALearner_OnItsOwnPorts_AndIsPromotedWhenAVoterIsRemoved()
    {
        string settings = Path.Combine(_lab.Dir, "hospesd.conf");
        await File.WriteAllTextAsync(settings, "cluster.voters = 3\ncluster.voter_down_s = 3600\ncluster.etcd_client_port = 12379\ncluster.etcd_peer_port = 12380\n");
        (Daemon a, Daemon b, Daemon c, Daemon d) = (await HostAsync(1, settings), await HostAsync(2, settings), await HostAsync(3, settings), await HostAsync(4, settings));

        // A taken port (hospesd's own 8443) is refused, naming it, and nothing is left.
        string taken = (await a.CliAsync("cluster", "init", "--name", "vote", "--etcd-port", "8443")).Fails();
        Assert.Contains("etcd's client port 8443 on 203.0.113.1 is taken", taken, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(a.StateDir, "cluster")));

        ClusterInfo made = await a.JsonAsync<ClusterInfo>("cluster", "init", "--name", "vote");
        Assert.Equal("https://203.0.113.1:12379", made.EtcdUrl);
        Assert.False((await b.JsonAsync<ClusterInfo>("cluster", "join", "203.0.113.1:8443", "--token", await TokenAsync(a))).Learner);
        Assert.False((await c.JsonAsync<ClusterInfo>("cluster", "join", "203.0.113.1:8443", "--token", await TokenAsync(a))).Learner);
        await WaitAsync(a, h => h.Count == 3 && h.All(x => x.State == "up" && x.EtcdRole is "leader" or "voter"));

        // The fourth: beyond cluster.voters, a learner, on ports of its own from the options.
        ClusterInfo fourth = await d.JsonAsync<ClusterInfo>("cluster", "join", "203.0.113.1:8443", "--token", await TokenAsync(a), "--etcd-port", "22379", "--etcd-peer-port", "22380");
        Assert.Equal((true, "https://203.0.113.4:22379"), (fourth.Learner, fourth.EtcdUrl));
        List<ClusterHostInfo> four = await WaitAsync(a, h => h.Count == 4 && h.All(x => x.State == "up") && h.Any(x => x.Name == "host-d" && x.EtcdRole == "learner"));
        Assert.Equal(3, four.Count(h => h.EtcdRole is "leader" or "voter"));
        string table = (await a.CliAsync("cluster", "list")).Ok().Stdout;
        Assert.Contains("learner", table, StringComparison.Ordinal);
        JsonArray members = await MembersAsync(a);
        Assert.Equal(4, members.Count);
        Assert.Equal(["https://203.0.113.4:22380"], members.Where(m => m!["isLearner"]?.GetValue<bool>() == true).Select(m => m!["peerURLs"]![0]!.GetValue<string>()));

        // A voter goes for good (hospesd and etcd killed, then removed): the learner is promoted, three voters again.
        await c.KillHardAsync();
        await HostProcesses.KillAllAsync(c.Dir + "/", "--initial-cluster-token");
        await WaitAsync(a, h => h.Any(x => x.Name == "host-c" && x.State == "down"), TimeSpan.FromSeconds(90));
        (await a.CliAsync("cluster", "remove", "host-c")).Ok();
        List<ClusterHostInfo> three = await WaitAsync(b, h => h.Count == 3 && h.All(x => x.State == "up" && x.EtcdRole is "leader" or "voter"), TimeSpan.FromSeconds(90));
        Assert.Equal(["host-a", "host-b", "host-d"], three.Select(h => h.Name).Order(StringComparer.Ordinal));
        members = await MembersAsync(a);
        Assert.Equal(3, members.Count);
        Assert.DoesNotContain(members, m => m!["isLearner"]?.GetValue<bool>() == true);
        // A promotes it at the removal (or the leader, on its round, a moment before: either logs it).
        Assert.Contains(new[] { a, b, d }, h => File.ReadAllText(h.LogPath).Contains("etcd learner of host host-d promoted to voter", StringComparison.Ordinal));

        // The quorum holds: a change commits, from the promoted host.
        (await d.CliAsync("define", d.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-d")).Ok();
        Assert.Contains("\"host\":\"host-d\"", await EtcdctlAsync(a.Netns!, "https://203.0.113.1:12379", OwnCredentials(a), "get", "/hospes/vote/vms/web", "--print-value-only"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminsEtcd_WithMutualTls_IsCheckedAtInit_ThenTwoHostsUseIt_AndRunNoEtcdOfTheirOwn()
    {
        NetNs etcdNs = await _lab.AddNamespaceAsync(9);
        string[] pki = await PkiAsync();
        await StartEtcdAsync(etcdNs, pki);
        (Daemon a, Daemon b) = (await HostAsync(1, null), await HostAsync(2, null));
        const string Url = "https://203.0.113.9:2379";

        // Refused, naming the URL and the problem, leaving nothing: a bad URL; no client certificate (etcd asks for one).
        Assert.Contains("--etcd '203.0.113.9:2379': expected an etcd client URL", (await a.CliAsync("cluster", "init", "--etcd", "203.0.113.9:2379")).Fails(), StringComparison.Ordinal);
        string noCert = (await a.CliAsync("cluster", "init", "--etcd", Url, "--etcd-ca", pki[0])).Fails();
        Assert.Contains($"--etcd {Url}: cannot reach etcd at {Url}", noCert, StringComparison.Ordinal);
        Assert.Contains("--etcd-ca, --etcd-cert and --etcd-key go with --etcd", (await a.CliAsync("cluster", "init", "--etcd-ca", pki[0])).Fails(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(a.StateDir, "cluster")));

        ClusterInfo made = await a.JsonAsync<ClusterInfo>("cluster", "init", "--name", "ext", "--etcd", Url, "--etcd-ca", pki[0], "--etcd-cert", pki[1], "--etcd-key", pki[2]);
        Assert.Equal((true, Url), (made.External, made.EtcdUrl));
        ClusterInfo joined = await b.JsonAsync<ClusterInfo>("cluster", "join", "203.0.113.1:8443", "--token", await TokenAsync(a));
        Assert.Equal((true, Url, "ext"), (joined.External, joined.EtcdUrl, joined.Name));

        foreach (Daemon d in new[] { a, b })
        {
            await WaitAsync(d, h => h.Count == 2 && h.All(x => x.State == "up" && x.EtcdRole == "external"));
        }

        // Ownership in the admin's etcd, as etcdctl (with the admin's certificate) sees it.
        (await b.CliAsync("define", b.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-b")).Ok();
        Assert.Contains("\"host\":\"host-b\"", await EtcdctlAsync(etcdNs, Url, pki, "get", "/hospes/ext/vms/web", "--print-value-only"), StringComparison.Ordinal);
        string clash = (await a.CliAsync("define", a.WriteConfig("web.cfg", Guest.Config("web")), "--host", "host-a")).Fails();
        Assert.Contains("host 'host-b' owns it", clash, StringComparison.Ordinal);

        // No etcd of their own: no process, no data dir; the admin's etcd has its one member.
        foreach (Daemon d in new[] { a, b })
        {
            // (Not by the name "etcd": this worktree's path holds it.)
            Assert.Empty(HostProcesses.WithArgument(d.StateDir + "/", "--initial-cluster-token"));
            Assert.False(Directory.Exists(Path.Combine(d.StateDir, "cluster", "etcd")));
        }

        Assert.Single(JsonNode.Parse(await EtcdctlAsync(etcdNs, Url, pki, "member", "list", "-w", "json"))!["members"]!.AsArray());

        // Leave works the same: B's keys go, the admin's etcd stays.
        (await b.CliAsync("cluster", "leave")).Ok();
        Assert.Equal("", (await EtcdctlAsync(etcdNs, Url, pki, "get", "/hospes/ext/members/host-b")).Trim());
        Assert.True(HostProcesses.IsAlive(_etcd!.Id));
    }

    private Task<Daemon> HostAsync(int i, string? settings)
    {
        Assert.Equal(i, _lab.Hosts.Count + 1);
        return settings is null ? _lab.AddHostAsync() : _lab.AddHostAsync("--config", settings);
    }

    /// <summary>A CA, etcd's server certificate for 203.0.113.9 and a client certificate, made with openssl: [ca, client cert, client key, server cert, server key].</summary>
    private async Task<string[]> PkiAsync()
    {
        string P(string f) => Path.Combine(_lab.Dir, f);
        await Run.ToolAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", P("ca.key"), "-out", P("ca.crt"), "-days", "2", "-subj", "/CN=admin etcd CA");
        foreach ((string name, string ext) in new[] { ("server", "subjectAltName=IP:203.0.113.9\nextendedKeyUsage=serverAuth,clientAuth"), ("client", "extendedKeyUsage=clientAuth") })
        {
            await File.WriteAllTextAsync(P(name + ".ext"), ext + "\n");
            await Run.ToolAsync("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", P(name + ".key"), "-out", P(name + ".csr"), "-subj", "/CN=" + name);
            await Run.ToolAsync("openssl", "x509", "-req", "-in", P(name + ".csr"), "-CA", P("ca.crt"), "-CAkey", P("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", P(name + ".ext"), "-out", P(name + ".crt"));
        }

        return [P("ca.crt"), P("client.crt"), P("client.key"), P("server.crt"), P("server.key")];
    }

    /// <summary>etcd as an admin runs it: in its namespace, clients over https with client certificates from the CA only.</summary>
    private async Task StartEtcdAsync(NetNs ns, string[] pki)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string arg in (string[])["-c", "exec \"$0\" \"$@\" >\"$ETCD_LOG\" 2>&1", "ip", "netns", "exec", ns.Name, "etcd", "--name", "admin", "--data-dir", Path.Combine(_lab.Dir, "etcd-data"),
            "--listen-client-urls", "https://203.0.113.9:2379", "--advertise-client-urls", "https://203.0.113.9:2379",
            "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380", "--initial-cluster", "admin=http://127.0.0.1:2380",
            "--cert-file", pki[3], "--key-file", pki[4], "--client-cert-auth", "--trusted-ca-file", pki[0]])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ETCD_LOG"] = Path.Combine(_lab.Dir, "etcd.log");
        _etcd = Process.Start(start) ?? throw new InvalidOperationException("could not start etcd");
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await ns.ExecAsync("env", "ETCDCTL_API=3", "etcdctl", "--endpoints", "https://203.0.113.9:2379", "--cacert", pki[0], "--cert", pki[1], "--key", pki[2], "endpoint", "health")).ExitCode != 0)
        {
            Assert.True(DateTime.UtcNow < deadline && !_etcd.HasExited, $"the admin's etcd did not come up:\n{File.ReadAllText(Path.Combine(_lab.Dir, "etcd.log"))}");
            await Task.Delay(300);
        }
    }

    private static string[] OwnCredentials(Daemon d)
    {
        string dir = Path.Combine(d.StateDir, "cluster");
        return [Path.Combine(dir, "ca.crt"), Path.Combine(dir, "member.crt"), Path.Combine(dir, "member.key")];
    }

    private static async Task<JsonArray> MembersAsync(Daemon d) =>
        JsonNode.Parse(await EtcdctlAsync(d.Netns!, "https://203.0.113.1:12379", OwnCredentials(d), "member", "list", "-w", "json"))!["members"]!.AsArray();

    private static async Task<string> EtcdctlAsync(NetNs ns, string endpoint, string[] pki, params string[] command)
    {
        CliResult r = await ns.ExecAsync(["env", "ETCDCTL_API=3", "etcdctl", "--endpoints", endpoint, "--cacert", pki[0], "--cert", pki[1], "--key", pki[2], .. command]);
        Assert.True(r.ExitCode == 0, $"etcdctl {string.Join(' ', command)}: {r.Stderr}");
        return r.Stdout;
    }

    private static Task<List<ClusterHostInfo>> WaitAsync(Daemon d, Func<List<ClusterHostInfo>, bool> done, TimeSpan? limit = null) => ClusterWait.HostsAsync(d, done, limit);
}
