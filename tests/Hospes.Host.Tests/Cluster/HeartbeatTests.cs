using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Ha;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

/// <summary>
/// HA's heartbeat (issue 17): every host puts `alive/&lt;host&gt;` each renewal round; the fence counts from the last round
/// in which both the renewal and that put were acknowledged; the leader takes a host for dead once it has seen the key
/// unchanged for the TTL on its own clock, so a cut-off etcd leader (whose lease etcd's next leader extends) is not
/// waited for longer than any other host, and the fence still comes first.
/// </summary>
public sealed class HeartbeatTests : IDisposable
{
    private static readonly HostOptions Defaults = new();
    private static readonly TimeSpan Ttl = ClusterMembership.LeaseTtl;
    private readonly FakeClusterStore _store = new();
    private readonly ClusterKeys _keys = new("course");
    private readonly Clock _time = new();

    [Fact]
    public async Task EveryRound_PutsTheHeartbeat_OnTheLease_WithANewRevision()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);
        StoreEntry first = (await _store.GetAsync(_keys.Alive("host-a"), CancellationToken.None))!;
        await m.TickAsync(CancellationToken.None);
        StoreEntry second = (await _store.GetAsync(_keys.Alive("host-a"), CancellationToken.None))!;

        Assert.Equal("/hospes/course/alive/host-a", first.Key);
        Assert.Equal(m.Lease, second.Lease);
        Assert.True(second.ModRevision > first.ModRevision);
    }

    [Fact]
    public async Task ACutOffEtcdLeader_StillRenewsTheLease_ButTheFenceCountsFromTheLastHeartbeatItCommitted()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);

        // The old etcd leader answers renewals alone until it steps down; puts need a majority it no longer has.
        _store.RefusePuts = true;
        _time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<ClusterStoreException>(() => m.TickAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<ClusterStoreException>(() => m.TickAsync(CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(4), m.SinceAcknowledged);
        _time.Advance(Defaults.HaFenceAfter - TimeSpan.FromSeconds(4));
        Assert.True(HaDecisions.MustFence(m.SinceAcknowledged, Defaults.HaFenceAfter));
    }

    [Fact]
    public void TheWatch_TimesAHeartbeat_FromTheListThatShowedItsRevision_ToTheLastListThatStillDid()
    {
        var watch = new HeartbeatWatch(_time);
        Assert.Null(watch.Unchanged("host-a"));

        watch.Observe([Beat("host-a", 5), Beat("host-b", 6)], _time.GetTimestamp());
        Assert.Equal(TimeSpan.Zero, watch.Unchanged("host-a"));

        // host-b beats on; host-a does not.
        for (int i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            watch.Observe([Beat("host-a", 5), Beat("host-b", 7 + i)], _time.GetTimestamp());
        }

        Assert.Equal(TimeSpan.FromSeconds(10), watch.Unchanged("host-a"));
        Assert.Equal(TimeSpan.Zero, watch.Unchanged("host-b"));
        Assert.True(HaDecisions.IsSilent(watch.Unchanged("host-a"), Ttl));
        Assert.False(HaDecisions.IsSilent(watch.Unchanged("host-b"), Ttl));

        // Its key gone (lease ended): forgotten; back: from zero again.
        watch.Observe([Beat("host-b", 40)], _time.GetTimestamp());
        Assert.Null(watch.Unchanged("host-a"));
        watch.Observe([Beat("host-a", 41), Beat("host-b", 40)], _time.GetTimestamp());
        Assert.Equal(TimeSpan.Zero, watch.Unchanged("host-a"));
    }

    [Fact]
    public void AWatchThatDidNotLook_ClaimsNothingForTheTimeItDidNotLook()
    {
        var watch = new HeartbeatWatch(_time);
        watch.Observe([Beat("host-a", 5)], _time.GetTimestamp());

        // This host stalled (or was cut off) for 20 s: the first list after it shows the key changed; no silence.
        _time.Advance(TimeSpan.FromSeconds(20));
        watch.Observe([Beat("host-a", 9)], _time.GetTimestamp());
        Assert.False(HaDecisions.IsSilent(watch.Unchanged("host-a"), Ttl));

        // A list that comes back late counts from when it came back, and a list counts up to when it was sent.
        long sent = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(3));
        watch.Observe([Beat("host-a", 10)], sent);
        _time.Advance(TimeSpan.FromSeconds(11));
        long sentLate = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(5));
        watch.Observe([Beat("host-a", 10)], sentLate);
        Assert.Equal(TimeSpan.FromSeconds(11), watch.Unchanged("host-a"));
    }

    [Fact]
    public void DeadFor_CountsFromTheLeaseSeenGone_ElseFromTheHeartbeatReachingTheTtl()
    {
        Assert.Null(HaDecisions.DeadFor(null, null, Ttl));
        Assert.Null(HaDecisions.DeadFor(null, Ttl - TimeSpan.FromMilliseconds(1), Ttl));
        Assert.Equal(TimeSpan.FromSeconds(1.5), HaDecisions.DeadFor(null, Ttl + TimeSpan.FromSeconds(1.5), Ttl));
        Assert.Equal(TimeSpan.FromSeconds(3), HaDecisions.DeadFor(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(12), Ttl));
        Assert.Equal(TimeSpan.Zero, HaDecisions.DeadFor(TimeSpan.Zero, null, Ttl));
    }

    /// <summary>
    /// The whole timeline on one clock (each host measures intervals on its own monotonic clock; they run at the same
    /// rate): host-a renews and beats every 2 s, the leader lists `alive/` every 0.5 s, the fence loop checks every 0.25
    /// s. host-a is cut while it is etcd's leader: for 2 s its renewals are still answered, its puts are not; then
    /// nothing. Its lease stays (etcd's new leader extends it). For every phase of the cut against the rounds, the
    /// leader moves the VM 3 s or more after the fence, and no later than 13 s after the cut.
    /// </summary>
    [Fact]
    public async Task ACutEtcdLeader_IsTakenForDeadByItsHeartbeat_AndTheFenceStaysAtLeast3sAheadOfTheRestart()
    {
        TimeSpan step = TimeSpan.FromMilliseconds(50);
        for (int phase = 0; phase < 40; phase++)
        {
            using var store = new FakeClusterStore();
            var time = new Clock();
            await using ClusterMembership m = new(store, _keys, store.Register(_keys, Member()), new Resources(), time, NullLogger.Instance);
            var watch = new HeartbeatWatch(time);
            long start = time.GetTimestamp();
            TimeSpan cut = TimeSpan.FromSeconds(10) + (step * phase);
            TimeSpan? fenced = null;
            TimeSpan? moved = null;
            for (TimeSpan t = TimeSpan.Zero; moved is null && t < TimeSpan.FromSeconds(60); t += step, time.Advance(step))
            {
                if (t.Ticks % ClusterMembership.KeepAliveEvery.Ticks == 0)
                {
                    store.RefusePuts = t >= cut;
                    store.Unreachable = t >= cut + TimeSpan.FromSeconds(2);
                    try
                    {
                        await m.TickAsync(CancellationToken.None);
                    }
                    catch (ClusterStoreException)
                    {
                    }

                    (store.RefusePuts, store.Unreachable) = (false, false);
                }

                if (fenced is null && t.Ticks % HaService.FenceEvery.Ticks == 0 && HaDecisions.MustFence(m.SinceAcknowledged, Defaults.HaFenceAfter))
                {
                    fenced = t;
                }

                if (t.Ticks % HaService.Every.Ticks == 0)
                {
                    watch.Observe(await store.ListAsync(_keys.Alives, CancellationToken.None), time.GetTimestamp());
                    if (HaDecisions.DeadFor(null, watch.Unchanged("host-a"), Ttl) is { } dead && dead >= Defaults.HaRestartMargin)
                    {
                        moved = t;
                    }
                }
            }

            Assert.NotNull(await store.GetAsync(_keys.Host("host-a"), CancellationToken.None)); // its lease still stands
            Assert.True(fenced is not null && moved is not null, $"cut at {cut}: fenced {fenced}, moved {moved}");
            Assert.True(moved - fenced >= TimeSpan.FromSeconds(3), $"cut at {cut}: fenced at {fenced}, moved at {moved}");
            Assert.True(moved - cut <= TimeSpan.FromSeconds(13), $"cut at {cut}: moved {moved - cut} after it");
            Assert.True(time.GetElapsedTime(start) > cut);
        }
    }

    public void Dispose() => _store.Dispose();

    private static StoreEntry Beat(string host, long revision) => new("/hospes/course/alive/" + host, "1", 1, revision, 100);

    private static MemberRecord Member() => new() { Name = "host-a", Fingerprint = "ab", PeerUrl = "https://10.0.0.1:2380", ClientUrl = "https://10.0.0.1:2379" };

    private ClusterMembership Membership() => new(_store, _keys, _store.Register(_keys, Member()), new Resources(), _time, NullLogger.Instance);

    private sealed class Resources : IHostResources
    {
        public HostResources Read() => new() { Cpus = 4, MemoryTotalMib = 8192, MemoryFreeMib = 4096 };

        public IReadOnlyList<(string Name, string Uuid, string Project)> Vms() => [];
    }

    private sealed class Clock : TimeProvider
    {
        private long _ticks = 1;

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero).AddTicks(_ticks);

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
