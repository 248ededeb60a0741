using Hospes.Contracts;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// `hospes ssh` in a cluster (issue 17): two hosts, each a hospesd and etcd member in its own namespace on one switch
/// (203.0.113.1-2), each with a Hospes network "lab" (DHCP) of the same subnet inside its namespace. The join gives B
/// the cluster's guest SSH key (A's) and keeps B's own as a second identity; a tiny guest started on A and migrated to
/// B answers `hospes ssh` from B (B's key is the cluster's) and from A (A's own key files, not B's paths); a guest B
/// started before the join still answers on B (the kept key).
/// </summary>
public sealed class ClusterSshTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string Subnet = "10.165.7.0/24";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    // Each host decides its accelerator once, in the background; a migration's prepare waits for it otherwise (HostInfo).
    private readonly ClusterLab _lab = new(image, new() { Hosts = 2, HostInfo = true });
    private Daemon _a = null!;
    private Daemon _b = null!;

    public async Task InitializeAsync() => (_a, _b) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task TheJoinGivesBTheClustersKey_AGuestMovedFromAToBAnswersSshFromBothWithEachHostsOwnKeyFiles_AndBsOlderGuestStillAnswers()
    {
        // B's guest from before the join trusts B's own key. Fixed addresses: the two hosts' DHCP ranges are the same.
        (await _b.CliAsync("network", "create", "lab", "--subnet", Subnet)).Ok();
        await Guest.CreateAsync(_b, "old", "vif = [ 'ip=10.165.7.20,bridge=lab' ]");
        await AddressAsync(_b, "old");
        Assert.Equal("old", (await SshAsync(_b, "old")).Trim());
        string keyA = KeyPath(_a);
        string keyB = KeyPath(_b);
        string ownPublicB = File.ReadAllText(keyB + ".pub").Trim();
        string ownPrivateB = File.ReadAllText(keyB);

        await _lab.InitAsync();
        CliResult joined = (await _b.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        await ClusterWait.HostsAsync(_b, h => h.Count == 2 && h.All(x => x.State == "up"));

        // B's key is the cluster's (A's) now; its own is kept beside it; the private key went into no log or output.
        string clusterPrivate = File.ReadAllText(keyA);
        Assert.Equal(File.ReadAllText(keyA + ".pub").Trim(), File.ReadAllText(keyB + ".pub").Trim());
        Assert.Equal(clusterPrivate, File.ReadAllText(keyB));
        Assert.Equal((ownPublicB, ownPrivateB), (File.ReadAllText(keyB + ".host.pub").Trim(), File.ReadAllText(keyB + ".host")));
        Assert.False(File.Exists(keyA + ".host"));
        string secretLine = clusterPrivate.Split('\n', StringSplitOptions.RemoveEmptyEntries)[2];
        foreach (string text in new[] { File.ReadAllText(_a.LogPath), File.ReadAllText(_b.LogPath), joined.Stdout + joined.Stderr })
        {
            Assert.DoesNotContain(secretLine, text, StringComparison.Ordinal);
        }

        Assert.Contains("is this host's now", File.ReadAllText(_b.LogPath), StringComparison.Ordinal);

        // A guest started on A (the cluster's key on its command line), moved live to B.
        (await _a.CliAsync("network", "create", "lab", "--subnet", Subnet)).Ok();
        await Guest.CreateOnAsync(_a, "host-a", "web", "vif = [ 'ip=10.165.7.30,bridge=lab' ]");
        await AddressAsync(_a, "web");
        Assert.Equal("web", (await SshAsync(_a, "web")).Trim());
        (await _a.CliWithinAsync(Long, null, "migrate", "web", "host-b")).Ok();
        Assert.Empty(await _a.ListAsync());

        // From B, the owner: B's current key is the cluster's, which the guest trusts.
        Assert.Equal("web", (await SshAsync(_b, "web")).Trim());

        // From A: the ssh target comes from B, the keys are A's. B's private keys are moved aside meanwhile: a path of
        // B's given to A's ssh would name nothing.
        File.Move(keyB, keyB + ".aside");
        File.Move(keyB + ".host", keyB + ".host.aside");
        try
        {
            SshTarget target = await _a.Client.Networks.SshTargetAsync("web", CancellationToken.None);
            Assert.Equal([keyA], target.KeyPaths);
            Assert.Equal("web", (await SshAsync(_a, "web")).Trim());
        }
        finally
        {
            File.Move(keyB + ".aside", keyB);
            File.Move(keyB + ".host.aside", keyB + ".host");
        }

        // B's guest from before the join: B offers its kept key too.
        Assert.Equal("old", (await SshAsync(_b, "old")).Trim());
    }

    /// <summary>`hospes ssh VM -- hostname` on <paramref name="d"/>: its output; fails the test with ssh's words.</summary>
    private static async Task<string> SshAsync(Daemon d, string vm)
    {
        CliResult r = await d.CliWithinAsync(TimeSpan.FromMinutes(2), null, "ssh", vm, "--", "hostname");
        Assert.True(r.ExitCode == 0, $"hospes ssh {vm} on {d.StateDir}: exit {r.ExitCode}: {r.Stderr}\n{d.LogTail(20)}");
        return r.Stdout;
    }

    /// <summary>Waits until the guest has its DHCP address (up to 20 s inside the guest), so its sshd can be reached.</summary>
    private static Task<string> AddressAsync(Daemon d, string vm) => GuestShell.RunAsync(
        d, vm, "for i in $(seq 1 100); do ip -4 addr show eth0 | grep -q 'inet ' && break; sleep 0.2; done; ip -4 addr show eth0 | grep -o 'inet [0-9.]*' | cut -d' ' -f2");

    private static string KeyPath(Daemon d) => Path.Combine(d.StateDir, "ssh", "id_ed25519");
}
