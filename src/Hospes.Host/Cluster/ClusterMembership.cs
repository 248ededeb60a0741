using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Host.Cluster.Store;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>
/// Keeps this host alive in the cluster: its `hosts/` key lives on a lease it renews every <see cref="KeepAliveEvery"/>
/// (TTL <see cref="LeaseTtl"/>), its value the host's resources, refreshed every <see cref="RefreshEvery"/> together
/// with `members/`' last seen. A lease that expired (the store was cut off longer than its TTL) is replaced by a new one
/// and the key written again. Every round also puts `alive/&lt;host&gt;` (on the lease, value a counter): HA's heartbeat.
/// A put needs a raft commit, a renewal does not (a cut-off etcd leader answers renewals alone until it steps down), so
/// the HA leader judges a host by whether it sees that key's revision change (see <see cref="Ha.HeartbeatWatch"/>).
/// <see cref="SinceAcknowledged"/> is what fencing (part 2) times on: a monotonic clock from the start of the last round
/// in which etcd acknowledged both the renewal and the heartbeat, so no later than either one's send time.
/// `members/&lt;host&gt;` is written by init and join before this starts; found gone, this host was removed (`cluster
/// remove` while it was away): it stops for good (no lease, no keys, <see cref="Removed"/>), never writes itself back.
/// </summary>
internal sealed partial class ClusterMembership : IAsyncDisposable
{
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(6);

    private readonly IClusterStore _store;
    private readonly ClusterKeys _keys;
    private readonly MemberRecord _member;
    private readonly IHostResources _resources;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _acknowledgedAt;
    private long _refreshedAt;
    private readonly Action? _removed;
    private readonly Func<CancellationToken, Task<bool>>? _revokedProbe;
    private long _probedAt;
    private long _beats;

    /// <summary>How often, while etcd refuses or does not answer, the members are asked whether this host was removed.</summary>
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(30);

    /// <param name="removed">Runs once when this host finds it was removed from the cluster.</param>
    /// <param name="revokedProbe">
    /// Asked (at most every <see cref="ProbeEvery"/>) while etcd fails: true when the members say this host was removed.
    /// A removed host's certificate is revoked, so etcd no longer lets it read that its record is gone.
    /// </param>
    public ClusterMembership(IClusterStore store, ClusterKeys keys, MemberRecord member, IHostResources resources, TimeProvider time, ILogger log, Action? removed = null, Func<CancellationToken, Task<bool>>? revokedProbe = null)
    {
        _revokedProbe = revokedProbe;
        _store = store;
        _keys = keys;
        _member = member;
        _resources = resources;
        _time = time;
        _log = log;
        _removed = removed;
    }

    /// <summary>This host's member record was found gone: it was removed from the cluster, and takes no part any more.</summary>
    public bool Removed { get; private set; }

    /// <summary>`cluster leave` runs: its record goes on purpose, so rounds renew the lease and heartbeat but write no record.</summary>
    public bool Leaving { get; set; }

    /// <summary>The lease this host's key lives on; 0 while it has none.</summary>
    public long Lease { get; private set; }

    /// <summary>
    /// Time since the last acknowledged liveness signal: the start of the last round in which etcd acknowledged both the
    /// lease's renewal (or grant) and the heartbeat put; null before the first. Fencing and any watchdog time on this.
    /// </summary>
    public TimeSpan? SinceAcknowledged => _acknowledgedAt == 0 ? null : _time.GetElapsedTime(_acknowledgedAt);

    public void Start() => _loop = ClusterLoop.RunAsync(RoundAsync, KeepAliveEvery, _time, LogStoreFailed, _stop.Token);

    /// <summary>A round; when etcd fails, and the members say this host was removed (its certificate revoked), it stops as a removed host does.</summary>
    private async Task RoundAsync(CancellationToken ct)
    {
        try
        {
            await TickAsync(ct).ConfigureAwait(false);
        }
        catch (ClusterStoreException) when (_revokedProbe is not null && !Removed)
        {
            if (_probedAt == 0 || _time.GetElapsedTime(_probedAt) >= ProbeEvery)
            {
                _probedAt = _time.GetTimestamp();
                if (await _revokedProbe(ct).ConfigureAwait(false))
                {
                    await LeaveRemovedAsync(ct).ConfigureAwait(false);
                    return;
                }
            }

            throw;
        }
    }

    /// <summary>One round: a lease when there is none, else a renewal; the heartbeat; the key's value when due. Tests call it directly.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        if (Removed)
        {
            return;
        }

        long sent = _time.GetTimestamp();
        if (Lease != 0 && await _store.KeepAliveAsync(Lease, ct).ConfigureAwait(false) <= TimeSpan.Zero)
        {
            LogLeaseLost(Lease);
            Lease = 0;
        }

        if (Lease == 0)
        {
            Lease = await _store.GrantLeaseAsync(LeaseTtl, ct).ConfigureAwait(false);
            _refreshedAt = 0;
        }

        await _store.PutAsync(_keys.Alive(_member.Name), (++_beats).ToString(System.Globalization.CultureInfo.InvariantCulture), Lease, ct).ConfigureAwait(false);
        _acknowledgedAt = sent;
        if (!Leaving && (_refreshedAt == 0 || _time.GetElapsedTime(_refreshedAt) >= RefreshEvery))
        {
            if (!await RefreshAsync(ct).ConfigureAwait(false))
            {
                await LeaveRemovedAsync(ct).ConfigureAwait(false);
                return;
            }

            _refreshedAt = _time.GetTimestamp();
        }
    }

    /// <summary>Revokes the lease: the host shows down at once (a clean stop or a leave).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (Lease != 0)
        {
            try
            {
                await _store.RevokeLeaseAsync(Lease, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ClusterStoreException e)
            {
                LogStoreFailed(e.Message);
            }
        }

        _stop.Dispose();
    }

    /// <summary>The live key's value and the member record's last seen; false when the record is gone (removed).</summary>
    private async Task<bool> RefreshAsync(CancellationToken ct)
    {
        HostResources resources = _resources.Read();
        DateTimeOffset now = _time.GetUtcNow();
        StoreEntry? current = await _store.GetAsync(_keys.Member(_member.Name), ct).ConfigureAwait(false);
        if (current is null)
        {
            return false;
        }

        await _store.PutAsync(_keys.Host(_member.Name), Json(resources), Lease, ct).ConfigureAwait(false);
        MemberRecord member = JsonSerializer.Deserialize<MemberRecord>(current.Value, HospesJson.Options) ?? _member;

        // Only over the record read: a `cluster remove` in between wins, and the next round finds it gone.
        await _store.PutAllIfAsync(current.Key, current.Value, [new StorePut(current.Key, Json(member with { LastSeen = now, Resources = resources, CertificateSerial = _member.CertificateSerial ?? member.CertificateSerial }), 0)], ct).ConfigureAwait(false);
        return true;
    }

    private async Task LeaveRemovedAsync(CancellationToken ct)
    {
        Removed = true;
        LogRemoved(_member.Name, _keys.Member(_member.Name));
        long lease = Lease;
        Lease = 0;
        if (lease != 0)
        {
            // Its live key and heartbeat go with it; a failure here only leaves them to the TTL.
            try
            {
                await _store.RevokeLeaseAsync(lease, ct).ConfigureAwait(false);
            }
            catch (ClusterStoreException e)
            {
                LogStoreFailed(e.Message);
            }
        }

        _removed?.Invoke();
    }

    internal static string Json<T>(T value) => JsonSerializer.Serialize(value, HospesJson.Options);

    [LoggerMessage(EventId = Settings.LogEvents.ClusterLeaseLost, Level = LogLevel.Warning, Message = "the cluster lease {Lease} expired (etcd was out of reach for longer than its TTL); taking a new one")]
    private partial void LogLeaseLost(long lease);

    [LoggerMessage(EventId = Settings.LogEvents.ClusterMemberGone, Level = LogLevel.Error, Message = "this host ({Host}) was removed from the cluster while it was away (its record {Key} is gone): it takes no part any more (no lease, no HA, no new VMs claimed); its VMs stay here. `hospes cluster leave` clears its cluster state; `hospes cluster join` with a new token joins again")]
    private partial void LogRemoved(string host, string key);

    [LoggerMessage(EventId = Settings.LogEvents.ClusterStoreFailed, Level = LogLevel.Warning, Message = "cluster: {Why}")]
    private partial void LogStoreFailed(string why);
}
