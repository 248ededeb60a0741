using Hospes.Core.Vms;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Ha;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

/// <summary>HA's decisions (issue 17, part 2): the fence's timing against the lease, who is dead, where a VM goes, the leader key, ha = 1's disks.</summary>
public sealed class HaDecisionTests : IDisposable
{
    private static readonly TimeSpan FenceAfter = new HostOptions().HaFenceAfter;
    private readonly FakeClusterStore _store = new();
    private readonly ClusterKeys _keys = new("course");
    private readonly Clock _time = new();

    [Fact]
    public async Task ACutOffHost_FencesAfterFenceAfter_FromTheLastAcknowledgedRenewal_BeforeItsLeaseCanExpire()
    {
        await using ClusterMembership m = Membership();
        Assert.False(HaDecisions.MustFence(m.SinceAcknowledged, FenceAfter));
        await m.TickAsync(CancellationToken.None);

        // The last renewal etcd answered; then nothing does.
        _time.Advance(TimeSpan.FromSeconds(2));
        await m.TickAsync(CancellationToken.None);
        _store.Unreachable = true;
        for (int i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await Assert.ThrowsAsync<ClusterStoreException>(() => m.TickAsync(CancellationToken.None));
        }

        Assert.False(HaDecisions.MustFence(m.SinceAcknowledged, FenceAfter)); // 6 s
        _time.Advance(FenceAfter - TimeSpan.FromSeconds(6));
        Assert.True(HaDecisions.MustFence(m.SinceAcknowledged, FenceAfter));

        // The default leaves room for a round of the loop and the kill before the lease's TTL (which etcd counts from later).
        Assert.True(FenceAfter + HaService.Every + TimeSpan.FromSeconds(1) <= ClusterMembership.LeaseTtl, $"fence after {FenceAfter}");
    }

    [Fact]
    public void AHost_IsDead_OnlyWhenItsKeyIsSeenGone_ForTheMargin()
    {
        TimeSpan margin = TimeSpan.FromSeconds(4);
        Assert.False(HaDecisions.IsDead(up: true, TimeSpan.FromMinutes(5), margin));
        Assert.False(HaDecisions.IsDead(up: false, margin - TimeSpan.FromMilliseconds(1), margin));
        Assert.True(HaDecisions.IsDead(up: false, margin, margin));
    }

    [Fact]
    public void AFrozenHost_IsNeverMovedFrom_HoweverLongItIsGone_UntilItsMarkGoes()
    {
        TimeSpan margin = TimeSpan.FromSeconds(4);
        Assert.False(HaDecisions.MayMove(up: false, frozen: true, TimeSpan.FromHours(1), margin));
        Assert.False(HaDecisions.MayMove(up: false, frozen: false, margin - TimeSpan.FromMilliseconds(1), margin));
        Assert.False(HaDecisions.MayMove(up: true, frozen: false, TimeSpan.FromHours(1), margin));
        Assert.True(HaDecisions.MayMove(up: false, frozen: false, margin, margin));
        Assert.Equal("/hospes/course/hafrozen/host-a", _keys.Frozen("host-a"));
        Assert.Equal("host-a", ClusterKeys.NameOf(_keys.Frozen("host-a")));
    }

    [Fact]
    public void AFencedVm_StartsAgainHere_OnlyAfterAFreshRenewal_NotJustUnderTheFenceTime()
    {
        Assert.False(HaDecisions.MayStartAgain(null, FenceAfter));
        Assert.False(HaDecisions.MayStartAgain(FenceAfter - TimeSpan.FromMilliseconds(500), FenceAfter));
        Assert.False(HaDecisions.MayStartAgain(FenceAfter / 2, FenceAfter));
        Assert.True(HaDecisions.MayStartAgain(TimeSpan.FromMilliseconds(200), FenceAfter));
    }

    [Fact]
    public void TheFence_ComesBeforeTheLeaseCanEnd_WithRoomForTheKills()
    {
        // A host's key goes no sooner than the TTL after its last renewal; it fenced at FenceAfter (+ one loop) after
        // sending that renewal. What is left, plus the margin, is the time its QEMUs have to die.
        TimeSpan room = ClusterMembership.LeaseTtl - (FenceAfter + HaService.Every) + new HostOptions().HaRestartMargin;
        Assert.True(room >= TimeSpan.FromSeconds(5), $"only {room} for the kills");
    }

    [Fact]
    public void TheTarget_IsTheUpHostWithTheMostFreeMemory_NotTheDeadOne_NorACordonedOne_WithRoomForTheVm()
    {
        var up = new Dictionary<string, HostResources>(StringComparer.Ordinal)
        {
            ["host-a"] = new() { MemoryFreeMib = 9000 },
            ["host-b"] = new() { MemoryFreeMib = 3000, VmsRunning = 4 },
            ["host-c"] = new() { MemoryFreeMib = 5000 },
            ["host-d"] = new() { MemoryFreeMib = 3000, VmsRunning = 1 },
        };
        var none = new HashSet<string>(StringComparer.Ordinal);
        Assert.Equal("host-c", HaDecisions.ChooseTarget(up, none, "host-a", 512));
        Assert.Equal("host-d", HaDecisions.ChooseTarget(up, new HashSet<string>(["host-c"], StringComparer.Ordinal), "host-a", 512));
        Assert.Null(HaDecisions.ChooseTarget(up, none, "host-a", 6000));
        Assert.Equal("host-a", HaDecisions.ChooseTarget(up, none, "host-x", 6000));
    }

    [Fact]
    public async Task TheLeaderKey_IsTakenOnce_OnTheLeadersLease_AndFreeForAnotherWhenThatLeaseExpires()
    {
        long a = await _store.GrantLeaseAsync(ClusterMembership.LeaseTtl, CancellationToken.None);
        long b = await _store.GrantLeaseAsync(ClusterMembership.LeaseTtl, CancellationToken.None);
        Assert.True(await _store.CreateAllAsync([new StorePut(_keys.Leader, "host-a", a)], CancellationToken.None));
        Assert.False(await _store.CreateAllAsync([new StorePut(_keys.Leader, "host-b", b)], CancellationToken.None));
        StoreEntry? key = await _store.GetAsync(_keys.Leader, CancellationToken.None);
        Assert.True(HaLeader.Leads(key, "host-a", a));
        Assert.False(HaLeader.Leads(key, "host-a", b)); // a lease of its own since: not the one the key lives on
        Assert.False(HaLeader.Leads(key, "host-b", b));

        _store.Expire(a);
        Assert.Null(HaLeader.HostOf(await _store.GetAsync(_keys.Leader, CancellationToken.None)));
        Assert.True(await _store.CreateAllAsync([new StorePut(_keys.Leader, "host-b", b)], CancellationToken.None));
        Assert.Equal("host-b", HaLeader.HostOf(await _store.GetAsync(_keys.Leader, CancellationToken.None)));
    }

    [Fact]
    public void HaOne_TakesOnlyDisksUnderASharedFolder()
    {
        string[] shared = ["/srv/shared"];
        VmSpec ok = Spec("/srv/shared/web.qcow2");
        Assert.Null(HaRules.Refusal(ok, shared));
        Assert.Null(HaRules.Refusal(Spec("/var/lib/x.raw") with { Ha = false }, []));

        string local = HaRules.Refusal(Spec("/var/lib/hospes/web.qcow2"), shared)!.Message;
        Assert.Contains("disk 'xvda' (/var/lib/hospes/web.qcow2) is not under a shared folder", local, StringComparison.Ordinal);
        Assert.Contains("move the disk there, or remove ha = 1", local, StringComparison.Ordinal);
        Assert.Contains("hospesd has no shared folder (set cluster.shared_dirs", HaRules.Refusal(ok, [])!.Message, StringComparison.Ordinal);
        Assert.Contains("/srv/sharedX/a.raw", HaRules.Refusal(Spec("/srv/sharedX/a.raw"), shared)!.Message, StringComparison.Ordinal);
        Assert.Contains("a store image of this host only", HaRules.Refusal(Spec("image:tiny"), shared)!.Message, StringComparison.Ordinal);
        Assert.Contains("a device of this host", HaRules.Refusal(Spec("/dev/vg0/web"), shared)!.Message, StringComparison.Ordinal);
        Assert.Contains("pci", HaRules.Refusal(ok with { PciDevices = ["0000:06:02.0"] }, shared)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSettings_AreCheckedAndHaveSafeDefaults()
    {
        var o = new HostOptions();
        Assert.Equal((TimeSpan.FromSeconds(6.5), TimeSpan.FromSeconds(2)), (o.HaFenceAfter, o.HaRestartMargin));
        o = HostSettings.Apply(o, "cluster.shared_dirs", "/srv/shared/, /mnt/nfs").Value;
        o = HostSettings.Apply(o, "cluster.ha.fence_after_s", "5").Value;
        Assert.Equal(["/srv/shared", "/mnt/nfs"], o.SharedDirs);
        Assert.Equal(TimeSpan.FromSeconds(5), o.HaFenceAfter);
        Assert.Contains("seconds from 1 to 8", HostSettings.Apply(o, "cluster.ha.fence_after_s", "10").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("absolute folders", HostSettings.Apply(o, "cluster.shared_dirs", "srv").Error!.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _store.Dispose();

    private static VmSpec Spec(string disk) => new()
    {
        Name = "web",
        Ha = true,
        Disks = [new DiskSpec { Target = disk, Vdev = "xvda" }],
    };

    private ClusterMembership Membership() => new(
        _store,
        _keys,
        _store.Register(_keys, new MemberRecord { Name = "host-a", Fingerprint = "ab", PeerUrl = "https://10.0.0.1:2380", ClientUrl = "https://10.0.0.1:2379" }),
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
        private DateTimeOffset _now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        private long _ticks = 1;

        public override DateTimeOffset GetUtcNow() => _now;

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by)
        {
            _now += by;
            _ticks += by.Ticks;
        }
    }
}
