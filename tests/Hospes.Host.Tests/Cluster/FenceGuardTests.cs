using System.Diagnostics;
using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Ha;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

/// <summary>The fence guard's decisions (issue 17): its deadline from the last acknowledged renewal, whom it kills (pid and start time), and its loop on a real process.</summary>
public sealed class FenceGuardTests : IDisposable
{
    private static readonly TimeSpan FenceAfter = new HostOptions().HaFenceAfter;
    private static readonly IReadOnlySet<(int, long)> None = new HashSet<(int, long)>();
    private readonly FakeClusterStore _store = new();
    private readonly Clock _time = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task TheDeadline_IsFenceAfterPlusTheLag_FromTheLastAcknowledgedRenewal_AndDoesNotMoveWhileEtcdIsSilent()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);
        long boot = 50_000; // the guard's clock, advanced with the membership's
        long first = FenceGuardDecisions.Deadline(boot, m.SinceAcknowledged!.Value, FenceAfter);
        Assert.Equal(boot + (long)(FenceAfter + FenceGuardDecisions.Lag).TotalMilliseconds, first);

        // Cut off: rounds go on, renewals fail; the deadline each round computes stays where the last acknowledged one put it.
        _store.Unreachable = true;
        for (int i = 0; i < 6; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            boot += 1000;
            await Assert.ThrowsAsync<ClusterStoreException>(() => m.TickAsync(CancellationToken.None));
            Assert.Equal(first, FenceGuardDecisions.Deadline(boot, m.SinceAcknowledged!.Value, FenceAfter));
        }

        // The guard fires after hospesd's own fence would, and before the lease can expire (etcd counts it from later).
        Assert.True(FenceGuardDecisions.Lag > TimeSpan.Zero);
        Assert.True(FenceAfter + FenceGuardDecisions.Lag < ClusterMembership.LeaseTtl);

        // Acknowledged again: the deadline moves on.
        _store.Unreachable = false;
        await m.TickAsync(CancellationToken.None);
        Assert.Equal(first + 6000, FenceGuardDecisions.Deadline(boot, m.SinceAcknowledged!.Value, FenceAfter));
    }

    [Fact]
    public void ARestartedHospesd_KeepsTheDeadlineItFound_UntilItsFirstAcknowledgedRenewal()
    {
        Assert.Equal(10_000, FenceGuardDecisions.Next(10_000, 14_000, acknowledged: false));
        Assert.Equal(9_000, FenceGuardDecisions.Next(10_000, 9_000, acknowledged: false));
        Assert.Equal(14_000, FenceGuardDecisions.Next(10_000, 14_000, acknowledged: true));
        Assert.Equal(14_000, FenceGuardDecisions.Next(null, 14_000, acknowledged: false));
    }

    [Fact]
    public void BeforeTheDeadline_NobodyIsKilled_AfterIt_OnlyLiveQemusWithTheirRecordedStartTime()
    {
        var orders = new FenceGuardOrders(1000, [new("a", 10, 500), new("b", 11, 600), new("c", 12, 700), new("d", 13, 800)]);

        // 10 lives as recorded; 11's pid now belongs to a later process; 12 is gone (or a zombie); 13 was killed already.
        long? StartOf(int pid) => pid switch { 10 => 500, 11 => 9999, 13 => 800, _ => null };
        var killed = new HashSet<(int, long)> { (13, 800) };

        Assert.Empty(FenceGuardDecisions.Victims(orders, 999, StartOf, killed));
        Assert.Equal(["a"], FenceGuardDecisions.Victims(orders, 1000, StartOf, killed).Select(q => q.Vm));
        Assert.Empty(FenceGuardDecisions.Victims(null, 5000, StartOf, None));
        Assert.Empty(FenceGuardDecisions.Victims(new FenceGuardOrders(0, []), 5000, StartOf, None));
    }

    [Fact]
    public void TheStartTime_IsField22_CountedAfterTheCommandsLastParenthesis_AndNoneForAZombie()
    {
        string Stat(string comm, char state) => $"4242 ({comm}) {state} 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 123456 1000 20 0";
        Assert.Equal(123456, FenceGuardDecisions.StartTime(Stat("qemu-system-x86", 'S')));
        Assert.Equal(123456, FenceGuardDecisions.StartTime(Stat("a) b (c", 'R')));
        Assert.Null(FenceGuardDecisions.StartTime(Stat("qemu", 'Z')));
        Assert.Null(FenceGuardDecisions.StartTime("garbage"));
        Assert.Equal(GuardProcs.StartOf(Environment.ProcessId), GuardProcs.StartOf(Environment.ProcessId));
        Assert.NotNull(GuardProcs.StartOf(Environment.ProcessId));
    }

    [Fact]
    public async Task TheGuard_KillsAListedProcessPastItsDeadline_NotOneWithAnotherStartTime_AndReportsIt()
    {
        using var dir = new TempDir();
        using Process victim = Sleep();
        using Process bystander = Sleep();
        long victimStart = GuardProcs.StartOf(victim.Id)!.Value;
        long bystanderStart = GuardProcs.StartOf(bystander.Id)!.Value;
        var files = new FenceGuardFiles(dir.Path);

        // Not yet due: both live.
        Write(files, new FenceGuardOrders(GuardProcs.NowMs() + 60_000, [new("vm1", victim.Id, victimStart), new("vm2", bystander.Id, bystanderStart + 1)]));
        using var stop = new CancellationTokenSource();
        Task<int> guard = FenceGuardMain.RunAsync(dir.Path, stop.Token);
        await Task.Delay(600);
        Assert.False(victim.HasExited);

        // Due: the listed process goes; the one whose start time differs (a reused pid) stays.
        Write(files, new FenceGuardOrders(GuardProcs.NowMs() - 1, [new("vm1", victim.Id, victimStart), new("vm2", bystander.Id, bystanderStart + 1)]));
        Assert.True(victim.WaitForExit(TimeSpan.FromSeconds(10)), "the guard did not kill the listed process");
        await Task.Delay(600);
        Assert.False(bystander.HasExited);
        GuardKill kill = JsonSerializer.Deserialize<GuardKill>(File.ReadAllLines(files.Fired).Single(), HospesJson.Options)!;
        Assert.Equal(("vm1", victim.Id, victimStart), (kill.Vm, kill.Pid, kill.Start));

        // Its state dir gone: it ends by itself.
        Directory.Delete(dir.Path, recursive: true);
        Assert.Equal(0, await guard.WaitAsync(TimeSpan.FromSeconds(10)));
        bystander.Kill();
        await stop.CancelAsync();
    }

    private static Process Sleep() => Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false }) ?? throw new InvalidOperationException("sleep did not start");

    private static void Write(FenceGuardFiles files, FenceGuardOrders orders) =>
        File.WriteAllText(files.Orders, JsonSerializer.Serialize(orders, HospesJson.Options));

    private ClusterMembership Membership() => new(
        _store,
        new ClusterKeys("course"),
        _store.Register(new ClusterKeys("course"), new MemberRecord { Name = "host-a", Fingerprint = "ab", PeerUrl = "https://10.0.0.1:2380", ClientUrl = "https://10.0.0.1:2379" }),
        new Resources(),
        _time,
        NullLogger.Instance);

    private sealed class Resources : IHostResources
    {
        public HostResources Read() => new() { Cpus = 4, MemoryTotalMib = 8192, MemoryFreeMib = 4096 };

        public IReadOnlyList<(string Name, string Uuid, string Project)> Vms() => [];
    }

    private sealed class Clock : TimeProvider
    {
        private long _ticks = 1;

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero) + TimeSpan.FromTicks(_ticks);

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
