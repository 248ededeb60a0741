using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

public sealed class ClusterMembershipTests : IDisposable
{
    private readonly FakeClusterStore _store = new();
    private readonly ClusterKeys _keys = new("course");
    private readonly Clock _time = new();

    [Fact]
    public async Task FirstTick_GrantsALease_AndWritesTheLiveKeyOnIt_AndTheMemberKeyWithoutOne()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);

        StoreEntry live = (await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None))!;
        StoreEntry member = (await _store.GetAsync(_keys.Member("host-a"), CancellationToken.None))!;
        Assert.Equal(m.Lease, live.Lease);
        Assert.NotEqual(0, m.Lease);
        Assert.Equal(0, member.Lease);
        Assert.Contains("\"vms\":3", live.Value, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow(), ClusterService.Read<MemberRecord>(member.Value)!.LastSeen);
    }

    [Fact]
    public async Task AHostWhoseRecordIsGone_WasRemoved_ItsLeaseGoes_AndItNeverWritesItselfBack()
    {
        int told = 0;
        await using ClusterMembership m = Membership(() => told++);
        await m.TickAsync(CancellationToken.None);
        Assert.False(m.Removed);

        // `cluster remove host-a` on another member while host-a was away.
        Assert.True(await _store.DeleteAsync(_keys.Member("host-a"), CancellationToken.None));
        _time.Advance(ClusterMembership.RefreshEvery);
        await m.TickAsync(CancellationToken.None);

        Assert.True(m.Removed);
        Assert.Equal(1, told);
        Assert.Equal(0, m.Lease);
        Assert.Null(await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None));
        Assert.Null(await _store.GetAsync(_keys.Alive("host-a"), CancellationToken.None));
        Assert.Null(await _store.GetAsync(_keys.Member("host-a"), CancellationToken.None));

        // Later rounds do nothing: no new lease, no record written back.
        _time.Advance(ClusterMembership.RefreshEvery);
        await m.TickAsync(CancellationToken.None);
        Assert.Equal(1, _store.Grants);
        Assert.Equal(1, told);
        Assert.Null(await _store.GetAsync(_keys.Member("host-a"), CancellationToken.None));
    }

    [Fact]
    public async Task WhileLeaving_TheRecordThatGoesOnPurpose_IsNotTakenForARemoval()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);
        m.Leaving = true;
        Assert.True(await _store.DeleteAsync(_keys.Member("host-a"), CancellationToken.None));
        _time.Advance(ClusterMembership.RefreshEvery);
        await m.TickAsync(CancellationToken.None);

        Assert.False(m.Removed);
        Assert.NotEqual(0, m.Lease);
        Assert.Null(await _store.GetAsync(_keys.Member("host-a"), CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, m.SinceAcknowledged);
    }

    [Fact]
    public async Task ALeaseThatExpired_IsReplaced_AndTheLiveKeyIsWrittenAgainAtOnce()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);
        long first = m.Lease;

        _store.Expire(first);
        Assert.Null(await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None));
        await m.TickAsync(CancellationToken.None);

        Assert.NotEqual(first, m.Lease);
        Assert.Equal(2, _store.Grants);
        Assert.Equal(m.Lease, (await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None))!.Lease);
    }

    [Fact]
    public async Task SinceAcknowledged_CountsFromTheLastRenewalEtcdAnswered_NotFromFailedOnes()
    {
        await using ClusterMembership m = Membership();
        Assert.Null(m.SinceAcknowledged);
        await m.TickAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        await m.TickAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.Zero, m.SinceAcknowledged);

        _store.Unreachable = true;
        _time.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<ClusterStoreException>(() => m.TickAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(3), m.SinceAcknowledged);
    }

    [Fact]
    public async Task TheValueIsRefreshedEverySixSeconds_NotOnEveryRenewal()
    {
        await using ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);
        long written = (await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None))!.ModRevision;

        _time.Advance(TimeSpan.FromSeconds(2));
        await m.TickAsync(CancellationToken.None);
        Assert.Equal(written, (await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None))!.ModRevision);

        _time.Advance(ClusterMembership.RefreshEvery);
        await m.TickAsync(CancellationToken.None);
        Assert.True((await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None))!.ModRevision > written);
    }

    [Fact]
    public async Task Dispose_RevokesTheLease_SoTheHostShowsDownAtOnce()
    {
        ClusterMembership m = Membership();
        await m.TickAsync(CancellationToken.None);
        await m.DisposeAsync();
        Assert.Null(await _store.GetAsync(_keys.Host("host-a"), CancellationToken.None));
        Assert.NotNull(await _store.GetAsync(_keys.Member("host-a"), CancellationToken.None));
    }

    [Fact]
    public void Role_IsLeaderVoterLearnerOrNone_ByThePeerUrl()
    {
        var m = new MemberRecord { Name = "b", Fingerprint = "f", PeerUrl = "https://10.0.0.2:2380", ClientUrl = "https://10.0.0.2:2379" };
        StoreMember b = new(7, "b", ["https://10.0.0.2:2380"], [], Learner: false);
        Assert.Equal("leader", ClusterService.Role(m, [b], 7));
        Assert.Equal("voter", ClusterService.Role(m, [b], 8));
        Assert.Equal("learner", ClusterService.Role(m, [b with { Learner = true }], 8));
        Assert.Equal("starting", ClusterService.Role(m, [b with { Name = "" }], 8));
        Assert.Equal("none", ClusterService.Role(m, [b with { PeerUrls = ["https://10.0.0.3:2380"] }], 8));
    }

    public void Dispose() => _store.Dispose();

    /// <summary>host-a's membership, its record written first (as `cluster init` and `join` do before it starts).</summary>
    private ClusterMembership Membership(Action? removed = null)
    {
        var record = _store.Register(_keys, new MemberRecord { Name = "host-a", Fingerprint = "ab", PeerUrl = "https://10.0.0.1:2380", ClientUrl = "https://10.0.0.1:2379" });
        return new(_store, _keys, record, new Resources(), _time, NullLogger.Instance, removed);
    }

    private sealed class Resources : IHostResources
    {
        public HostResources Read() => new() { Cpus = 4, MemoryTotalMib = 8192, MemoryFreeMib = 4096, Vms = 3 };

        public IReadOnlyList<(string Name, string Uuid, string Project)> Vms() => [];
    }

    /// <summary>Wall clock and monotonic clock that move only when told.</summary>
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
