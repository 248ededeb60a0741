using System.Diagnostics;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// HA freeze: a clean stop of hospesd (SIGTERM) while its HA guest runs must not make the leader start the guest
/// elsewhere, since its QEMU runs on. Three hosts in namespaces on one switch with one shared folder (as ClusterHaTests):
/// host-a's hospesd is stopped cleanly, it marks itself frozen in etcd; well past lease + margin the guest runs on no
/// other host, its QEMU on A lives, `cluster list` shows A down and frozen; A's hospesd back: the guest is A's, running,
/// the mark gone. Then A stopped again and "gone for good" (its QEMU and etcd killed): `cluster remove host-a` drops the
/// mark and the leader restarts the guest elsewhere.
/// </summary>
public sealed class ClusterHaFreezeTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private readonly ClusterLab _lab = new(image, new() { SharedFolder = true });
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync() => (_a, _b, _c) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task ACleanStopOfHospesd_FreezesItsHaGuests_NotStartedElsewhere_UntilBackOrRemoved()
    {
        await _lab.FormHaAsync();
        string disk = await _lab.HaGuestAsync(_a);
        int pid = (await _a.InfoAsync("ha1")).Pid ?? throw new InvalidOperationException("ha1 has no QEMU on host-a");

        // A clean stop: SIGTERM, and hospesd ends by itself (well within the grace) having marked the host frozen.
        var stopping = Stopwatch.StartNew();
        await _a.StopAsync(TimeSpan.FromSeconds(90));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(85), $"hospesd on host-a did not end by itself after SIGTERM ({stopping.Elapsed.TotalSeconds:0} s)");
        Assert.Contains("host marked frozen in etcd", _a.LogTail(100), StringComparison.Ordinal);
        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/ha/hafrozen/host-a"), StringComparison.Ordinal);

        // The leader sees A down and frozen, says so once, and moves nothing: watched well past lease (10 s) + margin (2 s).
        List<ClusterHostInfo> hosts = await ClusterWait.HostsAsync(_b, h => h.Any(x => x.Name == "host-a" && x.State == "down" && x.Frozen));
        Assert.All(hosts.Where(x => x.Name != "host-a"), x => Assert.False(x.Frozen));
        string table = (await _c.CliAsync("cluster", "list")).Ok().Stdout;
        Assert.Contains("down (HA frozen)", table.Split('\n').Single(l => l.StartsWith("host-a ", StringComparison.Ordinal)), StringComparison.Ordinal);
        await ClusterWait.UntilAsync(() => Task.FromResult(new[] { _b, _c }.Any(d => d.LogTail(300).Contains("host host-a is down but frozen", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(90), "no leader logged host-a as frozen");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (Daemon d in new[] { _b, _c })
            {
                Assert.DoesNotContain("ha1", (await d.ListAsync()).Select(v => v.Name));
            }

            Assert.True(HostProcesses.IsAlive(pid), "ha1's QEMU on host-a died while its hospesd was stopped");
            await Task.Delay(500);
        }

        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/ha/vms/ha1"), StringComparison.Ordinal);
        Assert.DoesNotContain("HA VM ha1 moved", _b.LogTail(300) + _c.LogTail(300), StringComparison.Ordinal);

        // A's hospesd back: it re-adopts the QEMU, and once its lease is up its mark goes.
        await _a.RestartAsync();
        await ClusterWait.HostsAsync(_b, h => h.Count == 3 && h.All(x => x.State == "up" && !x.Frozen));
        await ClusterWait.UntilAsync(async () => (await EtcdGetAsync(_b, "/hospes/ha/hafrozen/host-a")).Length == 0, TimeSpan.FromSeconds(60), "host-a's freeze mark is still in etcd");
        VmInfo back = await _a.InfoAsync("ha1");
        Assert.Equal(VmState.Running, back.State);
        Assert.Equal(pid, back.Pid);
        foreach (Daemon d in new[] { _b, _c })
        {
            Assert.DoesNotContain("ha1", (await d.ListAsync()).Select(v => v.Name));
        }

        // Stopped cleanly again, then gone for good (its QEMU and etcd die): `cluster remove` drops the mark and the leader moves the guest.
        await _a.StopAsync(TimeSpan.FromSeconds(90));
        await ClusterWait.HostsAsync(_b, h => h.Any(x => x.Name == "host-a" && x.State == "down" && x.Frozen));
        HostProcesses.Kill(pid);
        await HostProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(30));
        await HostProcesses.KillAllAsync(_a.Dir + "/", "etcd");
        await ClusterWait.UntilAsync(async () => (await _b.CliAsync("cluster", "remove", "host-a")).ExitCode == 0, TimeSpan.FromSeconds(90), "cluster remove host-a still fails");
        Assert.Equal("", await EtcdGetAsync(_b, "/hospes/ha/hafrozen/host-a"));
        await ClusterWait.UntilAsync(async () =>
        {
            foreach (Daemon d in new[] { _b, _c })
            {
                if ((await d.ListAsync()).Any(v => v.Name == "ha1" && v.State == VmState.Running))
                {
                    return true;
                }
            }

            return false;
        }, TimeSpan.FromSeconds(120), $"ha1 was not started on host-b or host-c after host-a was removed; B's log:\n{_b.LogTail(30)}\nC's log:\n{_c.LogTail(30)}");
    }
}
