using System.Diagnostics;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// HA (issue 17, part 2): three hosts in namespaces on one switch, each hospesd with the same shared folder (a /tmp/hit-
/// folder: one machine, so one path for all). An HA tiny guest on A writes a marker (its boot's random id and a counter)
/// to its disk in the shared folder; A is cut off (its link down): A kills the guest's QEMU, the leader moves the VM
/// and another host starts it; the old QEMU is dead before the new copy's first marker, A does not start its copy when
/// its link is back, and a non-HA VM of A is not started elsewhere. Then one etcd member of three lost (a define still
/// works), and every hospesd killed with -9 (after restart the cluster and the VMs are whole).
/// </summary>
public sealed class ClusterHaTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string AddressA = "203.0.113.1:8443";
    private readonly List<NetNs> _namespaces = [];
    private readonly string _shared = Directory.CreateTempSubdirectory("hit-ha-").FullName;
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        string settings = Path.Combine(_shared, "hospesd.conf");
        await File.WriteAllTextAsync(settings, $"cluster.shared_dirs = {_shared}\n");
        NetNs hub = await Ns("hit-sw-");
        var daemons = new List<Daemon>();
        for (int i = 1; i <= 3; i++)
        {
            NetNs ns = await Ns("hit-");
            await NetNs.SwitchAsync(hub, ns, $"p{i}", $"203.0.113.{i}/24");
            daemons.Add(await Daemon.StartAsync(image, ns, "--config", settings, "--listen", $"203.0.113.{i}:8443", "--host-name", $"host-{(char)('a' + i - 1)}"));
        }

        (_a, _b, _c) = (daemons[0], daemons[1], daemons[2]);
    }

    public async Task DisposeAsync()
    {
        foreach (Daemon d in new[] { _a, _b, _c }.Where(d => d is not null))
        {
            await d.DisposeAsync();
        }

        foreach (NetNs ns in _namespaces)
        {
            await ns.DisposeAsync();
        }

        Directory.Delete(_shared, recursive: true);
    }

    [Fact]
    public async Task APartitionedHostsHaGuest_RunsAgainElsewhere_NeverTwice_AndTheClusterSurvivesAnEtcdLossAndKilledDaemons()
    {
        Assert.Equal("ha", (await _a.JsonAsync<ClusterInfo>("cluster", "init", "--name", "ha")).Name);
        foreach (Daemon d in new[] { _b, _c })
        {
            (await d.CliAsync("cluster", "join", AddressA, "--token", (await _a.JsonAsync<HostTokenInfo>("cluster", "token")).Token)).Ok();
        }

        List<ClusterHostInfo> hosts = await ClusterWait.HostsAsync(_b, h => h.Count == 3 && h.All(x => x.State == "up") && h.Count(x => x.Leader) == 1);
        Assert.Contains("Leader", (await _c.CliAsync("cluster", "list")).Ok().Stdout, StringComparison.Ordinal);

        // ha = 1 with a disk outside the shared folder: refused, naming the disk and the fix; nothing defined.
        string local = Path.Combine(_a.Dir, "local.raw");
        File.WriteAllBytes(local, new byte[1 << 20]);
        string refused = (await _a.CliAsync("define", _a.WriteConfig("bad.cfg", Guest.Config("bad", $"ha = 1\ndisk = [ 'file:{local},xvda,w' ]")))).Fails();
        Assert.Contains($"({local}) is not under a shared folder; the shared folders are {_shared}", refused, StringComparison.Ordinal);
        Assert.Contains("move the disk there, or remove ha = 1", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("bad", (await _a.ListAsync()).Select(v => v.Name));

        // The HA guest on A, writing markers to its shared disk; a plain VM beside it.
        string disk = Path.Combine(_shared, "ha1.raw");
        File.WriteAllBytes(disk, new byte[4 << 20]);
        await Guest.CreateOnAsync(_a, "host-a", "ha1", $"ha = 1\ndisk = [ 'file:{disk},xvda,w' ]");
        await Guest.CreateOnAsync(_a, "host-a", "plain");
        await StartWriterAsync(_a);
        string first = await WaitMarkerAsync(disk, _ => true, TimeSpan.FromSeconds(60));
        int oldPid = (await _a.InfoAsync("ha1")).Pid ?? throw new InvalidOperationException("ha1 has no QEMU on host-a");

        // Cut A off. Watch the old QEMU and the disk until a marker of another boot appears.
        var clock = Stopwatch.StartNew();
        (await _a.Netns!.ExecAsync("ip", "link", "set", "lan0", "down")).Ok();
        TimeSpan? oldDead = null;
        Daemon? to = null;
        TimeSpan? runningThere = null;
        while (to is null && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            oldDead ??= HostProcesses.IsAlive(oldPid) ? null : clock.Elapsed;
            Assert.StartsWith(Boot(first), Marker(disk), StringComparison.Ordinal);
            foreach (Daemon d in new[] { _b, _c })
            {
                if ((await d.ListAsync()).Any(v => v.Name == "ha1" && v.State == VmState.Running))
                {
                    (to, runningThere) = (d, clock.Elapsed);
                }
            }

            await Task.Delay(100);
        }

        Assert.True(to is not null, $"ha1 did not run on another host within 120 s; A's log:\n{_a.LogTail(30)}\nB's log:\n{_b.LogTail(30)}\nC's log:\n{_c.LogTail(30)}");
        Assert.True(oldDead is not null, "the old QEMU of ha1 still runs while the new one does");
        await to.WaitForConsoleAsync("ha1", Guest.Ready, limit: TimeSpan.FromSeconds(120));
        TimeSpan answering = clock.Elapsed;
        Assert.False(HostProcesses.IsAlive(oldPid));
        await StartWriterAsync(to);
        string second = await WaitMarkerAsync(disk, m => Boot(m) != Boot(first), TimeSpan.FromSeconds(60));
        TimeSpan firstNewWrite = clock.Elapsed;
        Assert.True(oldDead < firstNewWrite, $"old QEMU dead at {oldDead}, the new copy's first marker seen at {firstNewWrite}");
        Console.WriteLine($"HA: old QEMU dead {oldDead!.Value.TotalSeconds:0.0} s after the partition, running on {to.Dir} at {runningThere!.Value.TotalSeconds:0.0} s, answering at {answering.TotalSeconds:0.0} s");
        Assert.True(runningThere < TimeSpan.FromSeconds(30), $"ha1 ran again only {runningThere.Value.TotalSeconds:0.0} s after the partition (target 30 s)");
        Assert.Contains("fenced HA VM ha1", _a.LogTail(200), StringComparison.Ordinal);

        // The plain VM of A is not started anywhere else.
        foreach (Daemon d in new[] { _b, _c })
        {
            Assert.DoesNotContain("plain", (await d.ListAsync()).Select(v => v.Name));
        }

        // A's link back: A sees ha1 owned elsewhere and drops its copy; it never starts it; its plain VM still runs.
        (await _a.Netns!.ExecAsync("ip", "link", "set", "lan0", "up")).Ok();
        await ClusterWait.HostsAsync(_a, h => h.Count == 3 && h.All(x => x.State == "up"), TimeSpan.FromSeconds(90));
        await WaitUntilAsync(async () => !(await _a.ListAsync()).Any(v => v.Name == "ha1"), TimeSpan.FromSeconds(60), "host-a still has its copy of ha1");
        Assert.Equal(VmState.Running, (await _a.InfoAsync("plain")).State);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(Boot(second), Boot(Marker(disk)));
            await Task.Delay(300);
        }

        Assert.Equal(VmState.Running, (await to.InfoAsync("ha1")).State);

        // One etcd member of three lost (a host without HA VMs: its hospesd, then its etcd killed): the cluster goes on, a define works.
        Daemon victim = to == _c ? _b : _c;
        await victim.KillHardAsync();
        await HostProcesses.KillAllAsync(victim.Dir + "/", "etcd");
        Daemon other = to;
        string web = other.WriteConfig("web.cfg", Guest.Config("web"));

        // While the two left elect an etcd leader (when the lost member led) a define is refused naming etcd; then it works.
        string otherName = to == _a ? "host-a" : to == _b ? "host-b" : "host-c";
        await WaitUntilAsync(async () => (await other.CliAsync("define", web, "--host", otherName)).ExitCode == 0, TimeSpan.FromSeconds(90), "a define still fails with one etcd member of three lost");
        await victim.RestartAsync();

        // Every hospesd killed with -9 (their QEMUs and etcds run on), the owner of ha1 started first: the cluster and the VMs are whole.
        foreach (Daemon d in new[] { _a, _b, _c })
        {
            await d.KillHardAsync();
        }

        foreach (Daemon d in new[] { to, _a, _b, _c }.Distinct())
        {
            await d.RestartAsync();
        }

        foreach (Daemon d in new[] { _a, _b, _c })
        {
            await ClusterWait.HostsAsync(d, h => h.Count == 3 && h.All(x => x.State == "up") && h.Count(x => x.Leader) == 1, TimeSpan.FromSeconds(90));
        }

        Assert.Equal(VmState.Running, (await to.InfoAsync("ha1")).State);
        Assert.Equal(VmState.Running, (await _a.InfoAsync("plain")).State);
        Assert.Contains("web", (await other.ListAsync()).Select(v => v.Name));
        Assert.Single(new[] { _a, _b, _c }, d => d.ListAsync().GetAwaiter().GetResult().Any(v => v.Name == "ha1"));
        Assert.Equal(Boot(second), Boot(Marker(disk)));
    }

    /// <summary>In the guest, in the background: its boot's random id and a counter, written to the first sector of its disk every 0.2 s.</summary>
    private static Task<string> StartWriterAsync(Daemon d) => GuestShell.RunAsync(d, "ha1",
        "(b=$RANDOM$RANDOM$RANDOM; i=0; while true; do i=$((i+1)); echo \"M $b $i \" | dd of=/dev/vda bs=512 count=1 conv=sync 2>/dev/null; sync; sleep 0.2; done &)", TimeSpan.FromSeconds(60));

    /// <summary>The marker in the disk's first sector ("M BOOT N "), or "".</summary>
    private static string Marker(string disk)
    {
        using var f = new FileStream(disk, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[64];
        int n = f.Read(buffer);
        string text = System.Text.Encoding.ASCII.GetString(buffer, 0, n).TrimEnd('\0');
        return text.StartsWith("M ", StringComparison.Ordinal) ? text.Split('\n')[0] : "";
    }

    private static string Boot(string marker) => marker.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var boot, ..] ? "M " + boot + " " : "";

    private static async Task<string> WaitMarkerAsync(string disk, Func<string, bool> wanted, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            string m = Marker(disk);
            if (m.Length > 0 && wanted(m))
            {
                return m;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no wanted marker on {disk} within {limit.TotalSeconds:0} s; last: '{Marker(disk)}'");
        return "";
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(300);
        }

        Assert.Fail($"{what} after {limit.TotalSeconds:0} s");
    }

    private async Task<NetNs> Ns(string prefix)
    {
        NetNs ns = await NetNs.CreateBareAsync(prefix);
        _namespaces.Add(ns);
        return ns;
    }
}
