using System.Diagnostics;
using System.Globalization;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.HaMarker;

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
    private readonly ClusterLab _lab = new(image, new() { SharedFolder = true });
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync() => (_a, _b, _c) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task AHungOrKilledHospesd_OfACutOffHost_IsFencedByItsGuard_BeforeTheGuestRunsElsewhere()
    {
        await _lab.FormHaAsync();
        string disk = await _lab.HaGuestAsync(_b);
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
        await ClusterWait.UntilAsync(async () => !(await _b.ListAsync()).Any(v => v.Name == "ha1"), TimeSpan.FromSeconds(60), "host-b still has its copy of ha1");
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
        await ClusterWait.UntilAsync(async () => !(await to.ListAsync()).Any(v => v.Name == "ha1"), TimeSpan.FromSeconds(60), "the killed host still has its copy of ha1");
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
            Assert.StartsWith(Boot(marker), Marker(Path.Combine(_lab.Shared, "ha1.raw")), StringComparison.Ordinal);
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
        string next = await WaitMarkerAsync(Path.Combine(_lab.Shared, "ha1.raw"), m => Boot(m) != Boot(marker), TimeSpan.FromSeconds(60));
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
        await ClusterWait.UntilAsync(() => Task.FromResult(Guards(d).Count == 1), TimeSpan.FromSeconds(60), $"no fence guard runs for {d.StateDir}");
        return Guards(d).Single();
    }

    private static string GuardLog(Daemon d) => Path.Combine(d.StateDir, "fence-guard.log") is var p && File.Exists(p) ? File.ReadAllText(p) : "(none)";
}
