using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// A guest that booted before its host joined a cluster (issue 17): it holds only that host's old key, seeded at boot.
/// At the join its host adds the cluster's key to it through its guest agent, so `hospes ssh` reaches it from the other
/// host without a restart, and its old key stays. A guest that migrates onto a host whose key it lacks gets that key at
/// its arrival. Two hosts in namespaces (203.0.113.1-2), each with a Hospes network "lab" of the same subnet.
/// </summary>
public sealed class ClusterSshJoinTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string Subnet = "10.165.8.0/24";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private readonly ClusterLab _lab = new(image, new() { Hosts = 2, HostInfo = true });
    private Daemon _a = null!;
    private Daemon _b = null!;

    public async Task InitializeAsync() => (_a, _b) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task AGuestBootedBeforeItsHostJoined_AnswersSshFromTheOtherHost_WithoutARestart_AndOnAHostItMigratesTo()
    {
        // B is still alone: its guest boots with B's own key, the only one in its authorized keys.
        (await _b.CliAsync("network", "create", "lab", "--subnet", Subnet)).Ok();
        await Guest.CreateAsync(_b, "old", "vif = [ 'ip=10.165.8.20,bridge=lab' ]");
        await AddressAsync(_b, "old");
        Assert.Equal("old", (await SshAsync(_b, "old")).Trim());
        string ownB = Blob(File.ReadAllText(KeyPath(_b) + ".pub"));
        string clusterKey = Blob(File.ReadAllText(KeyPath(_a) + ".pub"));
        Assert.NotEqual(ownB, clusterKey);
        string boot = await GuestShell.RunAsync(_b, "old", "cat /proc/sys/kernel/random/boot_id");
        Assert.Equal([ownB], await KeysAsync(_b, "old"));

        // B joins A's cluster and takes its key: the running guest gets it through its agent.
        await _lab.InitAsync();
        (await _b.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        await ClusterWait.HostsAsync(_b, h => h.Count == 2 && h.All(x => x.State == "up"));
        await LoggedAsync(_b, "old: this host's guest SSH key", "(this host took its cluster's key)");

        // From A (its only key is the cluster's; the target comes from B), and from B; the same boot, both keys in it.
        Assert.Equal("old", (await SshAsync(_a, "old")).Trim());
        Assert.Equal("old", (await SshAsync(_b, "old")).Trim());
        Assert.Equal(boot, await GuestShell.RunAsync(_b, "old", "cat /proc/sys/kernel/random/boot_id"));
        Assert.Equal([ownB, clusterKey], await KeysAsync(_b, "old"));

        // The guest keeps only B's old key (as one that missed the join would): A cannot reach it. Moved live to A, it gets A's key there.
        await GuestShell.RunAsync(_b, "old", $"echo 'ssh-ed25519 {ownB}' > /root/.ssh/authorized_keys");
        Assert.Equal([ownB], await KeysAsync(_b, "old"));
        CliResult refused = await _a.CliWithinAsync(TimeSpan.FromMinutes(2), null, "ssh", "old", "--", "hostname");
        Assert.NotEqual(0, refused.ExitCode);
        (await _a.CliAsync("network", "create", "lab", "--subnet", Subnet)).Ok();
        (await _b.CliWithinAsync(Long, null, "migrate", "old", "host-a")).Ok();
        await LoggedAsync(_a, "old: this host's guest SSH key", "(it migrated here)");
        Assert.Equal("old", (await SshAsync(_a, "old")).Trim());
        Assert.Equal([ownB, clusterKey], await KeysAsync(_a, "old"));
        Assert.Equal(boot, await GuestShell.RunAsync(_a, "old", "cat /proc/sys/kernel/random/boot_id"));
    }

    /// <summary>Until <paramref name="d"/>'s log has a line with both texts (the push runs in the background), 120 s at most.</summary>
    private static Task LoggedAsync(Daemon d, string text, string why) => ClusterWait.UntilAsync(
        () => Task.FromResult(File.ReadAllLines(d.LogPath).Any(l => l.Contains(text, StringComparison.Ordinal) && l.Contains(why, StringComparison.Ordinal))),
        TimeSpan.FromSeconds(120),
        $"no line '{text} … {why}' in {d.LogPath}:\n{d.LogTail(30)}");

    /// <summary>
    /// The key blobs in root's authorized keys in the guest, in order. qemu-ga 7.2 writes the file without its last
    /// newline (and a blank line where the old file ended): the echo ends the output's line.
    /// </summary>
    private static async Task<List<string>> KeysAsync(Daemon d, string vm) =>
        [.. (await GuestShell.RunAsync(d, vm, "cat /root/.ssh/authorized_keys; echo")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Blob)];

    private static string Blob(string line) => line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

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
