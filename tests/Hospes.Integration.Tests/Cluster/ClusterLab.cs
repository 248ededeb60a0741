using System.Globalization;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The cluster tests' hosts: a switch (bridge sw0 in a "hit-sw-" namespace) and, per host, a hospesd in its own "hit-"
/// namespace plugged into it (lan0, port p1, p2, ...): host i is host-a, host-b, ... at 203.0.113.i, listening on
/// 203.0.113.i:8443. A class uses it as
/// <code>
/// private readonly ClusterLab _lab = new(image, new() { Hosts = 3, SharedFolder = true });
/// public async Task InitializeAsync() { (_a, _b, _c) = await _lab.StartAsync(); await _lab.FormAsync(); }
/// public Task DisposeAsync() => _lab.DisposeAsync();
/// </code>
/// <see cref="FormAsync"/> (init "course" on A, the others join, each lists all up) is optional: a test that checks
/// init or join itself calls <see cref="InitAsync"/>, <see cref="JoinAsync"/> or the CLI. Settings, a shared folder, per
/// host options and waiting for host info are <see cref="ClusterLabOptions"/>; with Hosts = 0 the test adds hosts
/// (<see cref="AddHostAsync"/>, its own settings) and bare namespaces on the switch (<see cref="AddNamespaceAsync"/>, e.g.
/// an admin's etcd). Dispose leaves nothing: every hospesd (continued first, should a test have stopped it) with its
/// etcd, QEMUs and fence guard, every namespace, the lab's folder (settings, shared folder) and <see cref="TempDir"/>s.
/// </summary>
// Not IAsyncDisposable: a test class holds it in a field and disposes it in IAsyncLifetime.DisposeAsync, which CA1001 cannot see.
internal sealed class ClusterLab(TinyImage image, ClusterLabOptions? options = null)
{
    /// <summary>Host A's API, where the others join.</summary>
    public const string AddressA = "203.0.113.1:8443";

    private readonly ClusterLabOptions _options = options ?? new();
    private readonly List<NetNs> _namespaces = [];
    private readonly List<Daemon> _hosts = [];
    private readonly List<string> _temp = [];
    private string? _dir;
    private string? _settings;
    private NetNs? _hub;

    /// <summary>The lab's own "hit-lab-" folder (settings, the shared folder, what a test keeps there); deleted at dispose.</summary>
    public string Dir => _dir ??= Directory.CreateTempSubdirectory("hit-lab-").FullName;

    /// <summary>The folder every host has as cluster.shared_dirs (with <see cref="ClusterLabOptions.SharedFolder"/>).</summary>
    public string Shared => Path.Combine(Dir, "shared");

    /// <summary>The hosts in order: host-a first.</summary>
    public IReadOnlyList<Daemon> Hosts => _hosts;

    public Daemon A => _hosts[0];

    public Daemon B => _hosts[1];

    public Daemon C => _hosts[2];

    /// <summary>host-a, host-b, ... for host <paramref name="i"/> (1-based).</summary>
    public static string HostName(int i) => $"host-{(char)('a' + i - 1)}";

    /// <summary>Starts the options' hosts (and waits for their info when asked); returns the lab, which deconstructs into them.</summary>
    public async Task<ClusterLab> StartAsync()
    {
        if (_options.Settings is not null || _options.SharedFolder)
        {
            string text = _options.Settings ?? "";
            if (_options.SharedFolder)
            {
                Directory.CreateDirectory(Shared);
                text += $"cluster.shared_dirs = {Shared}\n";
            }

            _settings = Path.Combine(Dir, "hospesd.conf");
            await File.WriteAllTextAsync(_settings, text);
        }

        for (int i = 1; i <= _options.Hosts; i++)
        {
            await AddHostAsync();
        }

        if (_options.HostInfo)
        {
            await Task.WhenAll(_hosts.Select(d => d.HostInfoAsync()));
        }

        return this;
    }

    public void Deconstruct(out Daemon a, out Daemon b) => (a, b) = (A, B);

    public void Deconstruct(out Daemon a, out Daemon b, out Daemon c) => (a, b, c) = (A, B, C);

    /// <summary>The next host on the switch (host-b after host-a, ...), with the lab's settings and <paramref name="args"/> after its own options.</summary>
    public async Task<Daemon> AddHostAsync(params string[] args)
    {
        int i = _hosts.Count + 1;
        NetNs ns = await AddNamespaceAsync(i);
        string[] own = _settings is null ? [] : ["--config", _settings];
        Daemon d = await Daemon.StartAsync(image, ns, [.. own, "--listen", $"203.0.113.{i}:8443", "--host-name", HostName(i), .. _options.HostArgs?.Invoke(i) ?? [], .. args]);
        _hosts.Add(d);
        return d;
    }

    /// <summary>A bare namespace on the switch at 203.0.113.<paramref name="n"/> (lan0, port p<paramref name="n"/>), no hospesd in it.</summary>
    public async Task<NetNs> AddNamespaceAsync(int n)
    {
        _hub ??= await NsAsync("hit-sw-");
        NetNs ns = await NsAsync("hit-");
        await NetNs.SwitchAsync(_hub, ns, $"p{n}", $"203.0.113.{n}/24");
        return ns;
    }

    /// <summary>`cluster init --name <paramref name="name"/>` on host A.</summary>
    public async Task InitAsync(string name = "course") => (await A.CliAsync("cluster", "init", "--name", name)).Ok();

    /// <summary>Each of <paramref name="hosts"/> joins through A, with a fresh token of A's.</summary>
    public async Task JoinAsync(params Daemon[] hosts)
    {
        foreach (Daemon d in hosts)
        {
            (await d.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(A))).Ok();
        }
    }

    /// <summary>Cluster <paramref name="name"/>: init on A, every other host joins; then (<paramref name="waitUp"/>) <see cref="WaitUpAsync"/>.</summary>
    public async Task FormAsync(string name = "course", bool waitUp = true)
    {
        await InitAsync(name);
        await JoinAsync([.. _hosts.Skip(1)]);
        if (waitUp)
        {
            await WaitUpAsync();
        }
    }

    /// <summary>The HA classes' cluster "ha": init on A, the others join; until B lists all up with one leader (that list).</summary>
    public async Task<List<ClusterHostInfo>> FormHaAsync()
    {
        Assert.Equal("ha", (await A.JsonAsync<ClusterInfo>("cluster", "init", "--name", "ha")).Name);
        await JoinAsync([.. _hosts.Skip(1)]);
        return await ClusterWait.HostsAsync(B, h => h.Count == _hosts.Count && h.All(x => x.State == "up") && h.Count(x => x.Leader) == 1);
    }

    /// <summary>HA guest ha1 created and booted on <paramref name="on"/>, its disk (4 MiB, see <see cref="HaMarker"/>) in the shared folder; the disk's path.</summary>
    public async Task<string> HaGuestAsync(Daemon on)
    {
        string disk = Path.Combine(Shared, "ha1.raw");
        File.WriteAllBytes(disk, new byte[4 << 20]);
        await Guest.CreateOnAsync(on, NameOf(on), "ha1", $"ha = 1\ndisk = [ 'file:{disk},xvda,w' ]");
        return disk;
    }

    /// <summary>Until every host lists every host up (<see cref="ClusterWait.Limit"/> unless <paramref name="limit"/>).</summary>
    public async Task WaitUpAsync(TimeSpan? limit = null)
    {
        foreach (Daemon d in _hosts)
        {
            await ClusterWait.HostsAsync(d, h => h.Count == _hosts.Count && h.All(x => x.State == "up"), limit);
        }
    }

    /// <summary>The host named <paramref name="host"/> (host-a, ...).</summary>
    public Daemon On(string host) => _hosts.FirstOrDefault(d => NameOf(d) == host) ?? throw new ArgumentException($"no host {host} in the lab", nameof(host));

    /// <summary>The host name of <paramref name="d"/> (host-a, ...).</summary>
    public string NameOf(Daemon d) => HostName(_hosts.IndexOf(d) + 1);

    /// <summary>A new folder named <paramref name="prefix"/> and random letters (e.g. a remote CLI's home), deleted at dispose.</summary>
    public string TempDir(string prefix)
    {
        string dir = Directory.CreateTempSubdirectory(prefix).FullName;
        _temp.Add(dir);
        return dir;
    }

    /// <summary>The hospes CLI as a remote client in host A's namespace, with <paramref name="home"/> as its home (its remotes), no socket.</summary>
    public Task<CliResult> RemoteCliAsync(string home, params string[] args) =>
        A.Netns!.ExecAsync(TimeSpan.FromSeconds(120), ["env", $"HOME={home}", $"XDG_CONFIG_HOME={home}", "HOSPES_SOCKET=", "HOSPES_REMOTE=", Repo.Hospes, .. args]);

    /// <summary>A join token of the cluster, made on <paramref name="d"/>.</summary>
    public static async Task<string> TokenAsync(Daemon d) => (await d.JsonAsync<HostTokenInfo>("cluster", "token")).Token;

    /// <summary>A key's value as etcd itself has it ("" when there is none), read with etcdctl inside the host's namespace with its cluster certificate.</summary>
    public static async Task<string> EtcdGetAsync(Daemon d, string key)
    {
        string dir = Path.Combine(d.StateDir, "cluster");
        string endpoint = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cluster.json")))!["client_url"]!.GetValue<string>();
        CliResult r = await d.Netns!.ExecAsync("env", "ETCDCTL_API=3", "etcdctl", "--endpoints", endpoint, "--cacert", Path.Combine(dir, "ca.crt"),
            "--cert", Path.Combine(dir, "member.crt"), "--key", Path.Combine(dir, "member.key"), "get", key, "--print-value-only");
        Assert.True(r.ExitCode == 0, $"etcdctl get {key}: {r.Stderr}");
        return r.Stdout.Trim();
    }

    /// <summary>Ends and deletes all the lab made (see the class summary).</summary>
    public async Task DisposeAsync()
    {
        foreach (Daemon d in _hosts)
        {
            // A hospesd a test stopped (SIGSTOP) is continued first, so that it ends as any other.
            if (d.Pid != 0)
            {
                await Run.ProcessAsync("kill", ["-CONT", d.Pid.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
            }

            // Its etcd, QEMUs, dnsmasqs and fence guard go with it.
            await d.DisposeAsync();
        }

        foreach (NetNs ns in _namespaces)
        {
            await ns.DisposeAsync();
        }

        foreach (string dir in _dir is null ? _temp : [.. _temp, _dir])
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private async Task<NetNs> NsAsync(string prefix)
    {
        NetNs ns = await NetNs.CreateBareAsync(prefix);
        _namespaces.Add(ns);
        return ns;
    }
}
