using System.Diagnostics;
using System.Globalization;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// The fence guard (issue 17): three hosts in namespaces on one switch, an HA tiny guest on B writing markers to its
/// disk in the shared folder. (a) B's hospesd stopped with SIGSTOP and B cut off: its fence guard (a process of its
/// own) kills the guest's QEMU before the leader starts it elsewhere, and no marker of the new boot comes before that;
/// hospesd continued and the link back, B drops its copy. (b) The new owner's hospesd killed with -9 and that host cut
/// off: the same; hospesd back, it takes the running guard over (one guard per host).
/// </summary>
public sealed class ClusterFenceGuardTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private const string AddressA = "203.0.113.1:8443";
    private readonly List<NetNs> _namespaces = [];
    private readonly string _shared = Directory.CreateTempSubdirectory("hit-fg-").FullName;
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
            if (d.Pid != 0)
            {
                await Run.ProcessAsync("kill", ["-CONT", d.Pid.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10));
            }

            await d.DisposeAsync();
        }

        foreach (NetNs ns in _namespaces)
        {
            await ns.DisposeAsync();
        }

        Directory.Delete(_shared, recursive: true);
    }

    [Fact]
    public async Task AHungOrKilledHospesd_OfACutOffHost_IsFencedByItsGuard_BeforeTheGuestRunsElsewhere()
    {
        Assert.Equal("ha", (await _a.JsonAsync<ClusterInfo>("cluster", "init", "--name", "ha")).Name);
        foreach (Daemon d in new[] { _b, _c })
        {
            (await d.CliAsync("cluster", "join", AddressA, "--token", (await _a.JsonAsync<HostTokenInfo>("cluster", "token")).Token)).Ok();
        }

        await ClusterWait.HostsAsync(_b, h => h.Count == 3 && h.All(x => x.State == "up") && h.Count(x => x.Leader) == 1);
        string disk = Path.Combine(_shared, "ha1.raw");
        File.WriteAllBytes(disk, new byte[4 << 20]);
        await Guest.CreateOnAsync(_b, "host-b", "ha1", $"ha = 1\ndisk = [ 'file:{disk},xvda,w' ]");
        await StartWriterAsync(_b);
        string first = await WaitMarkerAsync(disk, _ => true, TimeSpan.FromSeconds(60));

        // Only a host with an HA QEMU runs a guard: B, one.
        int guardB = await WaitGuardAsync(_b);
        Assert.Empty(Guards(_a).Concat(Guards(_c)));

        // (a) B's hospesd hung, B cut off: the guard kills the QEMU.
        (Daemon to, string second) = await CutOffAsync(_b, first, async () =>
        {
            (await Run.ProcessAsync("kill", ["-STOP", _b.Pid.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10))).Ok();
        });
        Assert.Contains("killed QEMU of HA VM ha1", await File.ReadAllTextAsync(Path.Combine(_b.StateDir, "fence-guard.log")), StringComparison.Ordinal);

        // hospesd continued and the link back: B reports the guard's kill as its fence and drops its copy; ha1 runs once.
        (await Run.ProcessAsync("kill", ["-CONT", _b.Pid.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10))).Ok();
        (await _b.Netns!.ExecAsync("ip", "link", "set", "lan0", "up")).Ok();
        await ClusterWait.HostsAsync(_b, h => h.Count == 3 && h.All(x => x.State == "up"), TimeSpan.FromSeconds(90));
        await WaitUntilAsync(async () => !(await _b.ListAsync()).Any(v => v.Name == "ha1"), TimeSpan.FromSeconds(60), "host-b still has its copy of ha1");
        Assert.Contains("fenced HA VM ha1 by the fence guard", _b.LogTail(300), StringComparison.Ordinal);
        Assert.Equal([guardB], Guards(_b));
        await AssertOnceAsync(disk, second);

        // (b) The new owner's hospesd killed with -9, that host cut off: its guard kills the QEMU.
        // (its guest's writer runs since CutOffAsync)
        int guardTo = await WaitGuardAsync(to);
        (Daemon third, string last) = await CutOffAsync(to, second, to.KillHardAsync);
        Assert.NotSame(to, third);

        // hospesd back and the link too: it takes the running guard over, reports its kill, drops its copy.
        (await to.Netns!.ExecAsync("ip", "link", "set", "lan0", "up")).Ok();
        await to.RestartAsync();
        await ClusterWait.HostsAsync(to, h => h.Count == 3 && h.All(x => x.State == "up"), TimeSpan.FromSeconds(90));
        await WaitUntilAsync(async () => !(await to.ListAsync()).Any(v => v.Name == "ha1"), TimeSpan.FromSeconds(60), "the killed host still has its copy of ha1");
        Assert.Contains("fence guard taken over (pid " + guardTo.ToString(CultureInfo.InvariantCulture), to.LogTail(300), StringComparison.Ordinal);
        Assert.Contains("fenced HA VM ha1 by the fence guard", to.LogTail(300), StringComparison.Ordinal);
        Assert.Equal([guardTo], Guards(to));
        await AssertOnceAsync(disk, last);
    }

    /// <summary>
    /// Takes the host of ha1 out (<paramref name="stop"/>, then its link down) and watches its QEMU and the disk until
    /// ha1 runs on another host: the old QEMU must be dead first, and the first marker of the new boot comes later still.
    /// </summary>
    private async Task<(Daemon To, string Marker)> CutOffAsync(Daemon from, string marker, Func<Task> stop)
    {
        int oldPid = (await from.InfoAsync("ha1")).Pid ?? throw new InvalidOperationException("ha1 has no QEMU on " + from.Dir);
        Daemon[] others = [.. new[] { _a, _b, _c }.Where(d => d != from)];
        await stop();
        var clock = Stopwatch.StartNew();
        (await from.Netns!.ExecAsync("ip", "link", "set", "lan0", "down")).Ok();
        TimeSpan? oldDead = null;
        Daemon? to = null;
        TimeSpan? runningThere = null;
        while (to is null && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            oldDead ??= HostProcesses.IsAlive(oldPid) ? null : clock.Elapsed;
            Assert.StartsWith(Boot(marker), Marker(Path.Combine(_shared, "ha1.raw")), StringComparison.Ordinal);
            foreach (Daemon d in others)
            {
                if ((await d.ListAsync()).Any(v => v.Name == "ha1" && v.State == VmState.Running))
                {
                    (to, runningThere) = (d, clock.Elapsed);
                }
            }

            await Task.Delay(100);
        }

        oldDead ??= HostProcesses.IsAlive(oldPid) ? null : clock.Elapsed;
        Assert.True(to is not null, $"ha1 did not run on another host within 120 s; guard log:\n{GuardLog(from)}\nA's log:\n{_a.LogTail(30)}\nB's log:\n{_b.LogTail(30)}\nC's log:\n{_c.LogTail(30)}");
        Assert.True(oldDead is not null && oldDead < runningThere, $"the old QEMU of ha1 (pid {oldPid}) was not dead before ha1 ran elsewhere at {runningThere!.Value.TotalSeconds:0.0} s (dead: {oldDead?.TotalSeconds:0.0} s); guard log:\n{GuardLog(from)}");
        await to!.WaitForConsoleAsync("ha1", Guest.Ready, limit: TimeSpan.FromSeconds(120));
        await StartWriterAsync(to);
        string next = await WaitMarkerAsync(Path.Combine(_shared, "ha1.raw"), m => Boot(m) != Boot(marker), TimeSpan.FromSeconds(60));
        Console.WriteLine($"fence guard: old QEMU dead {oldDead!.Value.TotalSeconds:0.0} s after the cut, ha1 running on {to.Dir} at {runningThere.Value.TotalSeconds:0.0} s");
        return (to, next);
    }

    /// <summary>ha1 runs on exactly one host, and only its boot writes the disk (watched for 3 s).</summary>
    private async Task AssertOnceAsync(string disk, string marker)
    {
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(Boot(marker), Boot(Marker(disk)));
            await Task.Delay(300);
        }

        int running = 0;
        foreach (Daemon d in new[] { _a, _b, _c })
        {
            running += (await d.ListAsync()).Count(v => v.Name == "ha1" && v.State == VmState.Running);
        }

        Assert.Equal(1, running);
    }

    /// <summary>The live fence guards of a host (processes `hospesd --fence-guard` naming its state dir).</summary>
    private static List<int> Guards(Daemon d) => [.. HostProcesses.WithArgument(d.StateDir, "--fence-guard")];

    private static async Task<int> WaitGuardAsync(Daemon d)
    {
        await WaitUntilAsync(() => Task.FromResult(Guards(d).Count == 1), TimeSpan.FromSeconds(60), $"no fence guard runs for {d.StateDir}");
        return Guards(d).Single();
    }

    private static string GuardLog(Daemon d) => Path.Combine(d.StateDir, "fence-guard.log") is var p && File.Exists(p) ? File.ReadAllText(p) : "(none)";

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
