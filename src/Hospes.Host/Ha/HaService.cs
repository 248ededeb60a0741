using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Edge;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Ha;

/// <summary>
/// HA on this host (issue 17, part 2), one round every <see cref="Every"/>: fencing (a host cut off from etcd kills its
/// HA VMs' QEMUs before its lease can expire, and starts nothing while cut off), then, while etcd answers, the HA VMs
/// left here after a fence (dropped when another host owns them now, started again when still this host's), the
/// leader's orders to this host (define and start a dead host's VM), and the leadership: the leader takes a host for
/// dead once it has seen its lease ended, or its heartbeat unchanged for the lease's TTL (it fenced itself before
/// either), and after a margin moves each of its HA VMs, in one transaction, to the up host with the most free memory,
/// with an order to start it.
/// </summary>
internal sealed partial class HaService : IAsyncDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the fence is checked, in a loop of its own that never waits on etcd.</summary>
    public static readonly TimeSpan FenceEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>An order that failed this often is given up (an event says so), so a broken VM does not loop.</summary>
    private const int OrderAttempts = 3;

    private readonly ClusterService _cluster;
    private readonly VmManager _vms;
    private readonly AuditLog _audit;
    private readonly HostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _stopMain = new();

    // The fence loop and the main loop share what was fenced.
    private readonly Lock _gate = new();

    // HA VMs whose QEMU this host killed while cut off, and the pids it killed.
    private readonly HashSet<string> _fenced = new(StringComparer.Ordinal);
    private readonly HashSet<int> _killed = [];

    // When this host first saw each host's `hosts/` key gone (monotonic timestamps); removed when it is back.
    private readonly Dictionary<string, long> _seenGone = new(StringComparer.Ordinal);

    // Every host's heartbeat as this host saw it change (its own clock).
    private readonly HeartbeatWatch _heartbeats;
    private readonly Dictionary<string, int> _orderFailures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _noTarget = new(StringComparer.Ordinal);
    private readonly long _watchingSince;
    private readonly HashSet<string> _frozenTold = new(StringComparer.Ordinal);

    // The fence guard (a process of its own) and the start time of each HA QEMU it is given (fence loop only).
    private readonly FenceGuard _guard;
    private readonly Dictionary<int, long> _qemuStarts = [];
    private bool _leading;
    private bool _thawed;
    private Task? _loop;
    private Task? _fenceLoop;

    public HaService(ClusterService cluster, VmManager vms, AuditLog audit, HostOptions options, TimeProvider time, ILogger log)
    {
        _cluster = cluster;
        _vms = vms;
        _audit = audit;
        _options = options;
        _time = time;
        _log = log;
        _watchingSince = time.GetTimestamp();
        _heartbeats = new HeartbeatWatch(time);

        // Only hospesd itself runs the guard (`hospesd --fence-guard`); a test host built in another process has none.
        string? program = Environment.ProcessPath is { } path && Path.GetFileName(path) == "hospesd" ? path : null;
        _guard = new FenceGuard(options.StateDir, program, log);
    }

    /// <summary>Whether this host leads the cluster (as of its last round).</summary>
    public bool Leading => _leading;

    public void Start()
    {
        _loop = ClusterLoop.RunAsync(TickAsync, Every, _time, LogStoreFailed, _stopMain.Token);
        _fenceLoop = ClusterLoop.RunAsync(FenceRoundAsync, FenceEvery, _time, LogStoreFailed, _stop.Token);
    }

    /// <summary>How long etcd has not acknowledged this host's lease; null in no cluster. Before the first acknowledged renewal (a hospesd started while cut off) the clock runs from this service's start.</summary>
    public TimeSpan? SinceAcknowledged => _cluster.Membership is { } m ? m.SinceAcknowledged ?? _time.GetElapsedTime(_watchingSince) : null;

    /// <summary>One round (tests call it directly).</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        if (_cluster.Store is not { } store || _cluster.Membership is not { } membership || _cluster.Keys is not { } keys || membership.Removed)
        {
            _leading = false;
            return;
        }

        // Cut off: the fence loop kills; nothing here may start or move anything.
        if (HaDecisions.MustFence(SinceAcknowledged, _options.HaFenceAfter))
        {
            return;
        }

        if (membership.SinceAcknowledged is null)
        {
            return;
        }

        await ThawAsync(store, keys, ct).ConfigureAwait(false);
        await SettleAsync(store, keys, ct).ConfigureAwait(false);
        await RunOrdersAsync(store, keys, ct).ConfigureAwait(false);
        await LeadAsync(store, keys, membership.Lease, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // The main loop ends first; the fence loop runs on while the freeze mark is written (it may wait on etcd).
        await _stopMain.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
            await FreezeAsync().ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_fenceLoop is not null)
        {
            await _fenceLoop.ConfigureAwait(false);
        }

        // Frozen (its QEMUs run on, the leader moves none) or fenced by the freeze: the guard must not kill them now.
        try
        {
            await _guard.StandDownAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _guard.Trouble(e.Message);
        }

        _stopMain.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// The fence, apart from the main loop: a round of that loop may wait on etcd for seconds (a request timing out on
    /// each endpoint) exactly when the host is cut off, and the fence must not wait behind it.
    /// </summary>
    private async Task FenceRoundAsync(CancellationToken ct)
    {
        TimeSpan? since = SinceAcknowledged;
        if (since is { } s && HaDecisions.MustFence(s, _options.HaFenceAfter))
        {
            Fence(s);
        }

        try
        {
            await GuardAsync(since, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // The guard's trouble (its files, its start) must never end the fence loop: hospesd's own fence goes on.
            _guard.Trouble(e.Message);
        }
    }

    /// <summary>An HA action: an event on this host's stream and a row of its audit log (the log line is the caller's).</summary>
    private void Tell(string action, string? vm, string? project, string message)
    {
        _vms.Events.Publish(() => new HostEvent { Type = HostEventTypes.ClusterHa, Vm = vm, Project = project, Message = message });
        _audit.Record("hospesd", "cluster", "HA " + action, vm, message);
    }
}
