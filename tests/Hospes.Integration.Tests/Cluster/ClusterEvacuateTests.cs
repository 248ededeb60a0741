using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Contracts.Vms;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// Evacuation (issue 17, part 2) on three hosts, each a hospesd and etcd member in its own namespace on one switch
/// (203.0.113.1-3): two running tiny guests leave host A live when host B asks, their owner in etcd moving with them;
/// A is cordoned and listed "evacuated" until C restores it; a stop-mode evacuation shuts a guest down and the restore
/// starts it again; a host that is down is refused, naming why.
/// </summary>
public sealed class ClusterEvacuateTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    private readonly ClusterLab _lab = new(image, new() { HostInfo = true });
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync() => (_a, _b, _c) = await _lab.StartAsync();

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task Evacuate_MovesBothGuestsLiveWithTheirOwners_CordonsTheHost_RestoreUncordons_StopModeStartsAgain_AndADownHostIsRefused()
    {
        (await _a.CliAsync("cluster", "init", "--name", "course")).Ok();
        Assert.Contains("in no cluster", (await _b.CliAsync("host", "evacuate", "host-a")).Fails(), StringComparison.Ordinal);
        (await _b.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        (await _c.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        await ClusterWait.HostsAsync(_b, h => h.Count == 3 && h.All(x => x.State == "up"));

        // Two running guests on A, each with a marker in its memory (a tmpfs file): a live move keeps it, a reboot would not.
        foreach (string vm in new[] { "g1", "g2" })
        {
            await Guest.CreateOnAsync(_a, "host-a", vm);
            await GuestShell.RunAsync(_a, vm, $"echo kept-{vm} > /tmp/marker");
        }

        (await _a.CliAsync("define", _a.WriteConfig("idle.cfg", Guest.Config("idle")), "--host", "host-a")).Ok();
        Assert.Contains("not a member of cluster 'course'", (await _b.CliAsync("host", "evacuate", "nosuch")).Fails(), StringComparison.Ordinal);
        Assert.Contains("is not evacuated", (await _b.CliAsync("host", "restore", "host-a")).Fails(), StringComparison.Ordinal);

        // Asked on B, run by A (the peer channel): both guests leave A live.
        CliResult evacuated = (await _b.CliWithinAsync(Long, null, "host", "evacuate", "host-a", "--format", "json")).Ok();
        EvacuationReport report = Wire.Read<EvacuationReport>(evacuated.Stdout);
        Assert.Equal(("host-a", "live"), (report.Host, report.Mode));
        Assert.Empty(report.Failed);
        Assert.Equal(["g1", "g2"], report.Moved.Select(m => m.Vm));
        Assert.Equal(["idle"], report.Left.Select(m => m.Vm));
        Assert.Equal(["idle"], (await _a.ListAsync()).Select(v => v.Name));
        Assert.Empty(_a.Qemus());
        foreach (EvacuatedVm m in report.Moved)
        {
            Daemon to = m.To switch { "host-b" => _b, "host-c" => _c, _ => throw new InvalidOperationException($"{m.Vm} went to {m.To}") };
            Assert.Equal(VmState.Running, (await to.InfoAsync(m.Vm)).State);
            Assert.Contains($"kept-{m.Vm}", await GuestShell.RunAsync(to, m.Vm, "cat /tmp/marker"), StringComparison.Ordinal);
            Assert.DoesNotContain(Guest.Ready, await to.ConsoleLogAsync(m.Vm), StringComparison.Ordinal); // no reboot there
            Assert.Contains($"\"host\":\"{m.To}\"", await EtcdGetAsync(_c, $"/hospes/course/vms/{m.Vm}"), StringComparison.Ordinal);
        }

        Assert.Contains("\"host\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/course/vms/idle"), StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"live\"", await EtcdGetAsync(_b, "/hospes/course/cordoned/host-a"), StringComparison.Ordinal);
        ClusterHostInfo a = (await ClusterWait.HostsAsync(_c, h => h.Any(x => x.Name == "host-a" && x.State == "evacuated"))).Single(h => h.Name == "host-a");
        Assert.True(a.Cordoned);

        // C (which trusts A: it joined through A) restores A.
        HostRestoreResult restored = await _c.JsonAsync<HostRestoreResult>("host", "restore", "host-a");
        Assert.Equal(("host-a", "live"), (restored.Host, restored.Mode));
        Assert.Equal("", await EtcdGetAsync(_b, "/hospes/course/cordoned/host-a"));
        await ClusterWait.HostsAsync(_b, h => h.Single(x => x.Name == "host-a") is { State: "up", Cordoned: false });

        // Stop mode, on the host itself: its guests shut down and stay defined there; restore starts them again.
        Daemon holder = report.Moved[0].To == "host-b" ? _b : _c;
        string holderName = report.Moved[0].To!;
        string[] held = [.. (await holder.ListAsync()).Where(v => v.State == VmState.Running).Select(v => v.Name).Order(StringComparer.Ordinal)];
        EvacuationReport stopped = Wire.Read<EvacuationReport>((await holder.CliWithinAsync(Long, null, "host", "evacuate", holderName, "--mode", "stop", "--format", "json")).Ok().Stdout);
        Assert.Equal(held, stopped.Stopped.Select(s => s.Vm));
        Assert.All(await holder.ListAsync(), v => Assert.Equal(VmState.Shutoff, v.State));
        Assert.Contains("\"mode\":\"stop\"", await EtcdGetAsync(_a, $"/hospes/course/cordoned/{holderName}"), StringComparison.Ordinal);
        HostRestoreResult started = await holder.JsonAsync<HostRestoreResult>("host", "restore", holderName);
        Assert.Equal(held, started.Started.Order(StringComparer.Ordinal));
        Assert.All(held, vm => Assert.Equal(VmState.Running, holder.InfoAsync(vm).Result.State));

        // A host that is down: refused, naming why (nothing there could move or stop its VMs).
        await _c.KillHardAsync();
        await HostProcesses.KillAllAsync(_c.Dir + "/", "etcd");
        await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-c" && x.State == "down"));
        string refused = (await _a.CliAsync("host", "evacuate", "host-c")).Fails();
        Assert.Contains("cannot evacuate host 'host-c': it is down", refused, StringComparison.Ordinal);
    }
}
