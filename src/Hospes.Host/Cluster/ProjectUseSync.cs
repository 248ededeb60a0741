using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>
/// This host's half of <see cref="ProjectUse"/>: admits its starts and growths (under one gate with the rounds, so a
/// round never undoes an admission), and keeps the `vmuse/` keys of the VMs it owns true to what runs here — a round
/// every <see cref="Every"/> when something changed (a stop, a shrink, a crash, a failed start, a VM arrived by
/// migration or HA), and at least every <see cref="FullEvery"/>. A start's key is written before its QEMU (claim
/// first); a start that failed, or a hospesd that died in between, leaves a key the next round deletes. A VM whose
/// claim is another host's (an incoming migration before its switch-over, a source after it) is that host's to count.
/// A VM with an HA restart order for this host keeps the key the leader's move carried here until the order goes.
/// </summary>
internal sealed partial class ProjectUseSync : IAsyncDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan FullEvery = TimeSpan.FromSeconds(30);

    private readonly IClusterStore _store;
    private readonly ClusterKeys _keys;
    private readonly string _host;
    private readonly Func<LocalUse> _local;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private volatile bool _dirty = true;
    private string? _synced;
    private long _syncedAt;

    public ProjectUseSync(IClusterStore store, ClusterKeys keys, string host, Func<LocalUse> local, TimeProvider time, ILogger log)
    {
        _store = store;
        _keys = keys;
        _host = host;
        _local = local;
        _time = time;
        _log = log;
    }

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Asks for a round soon (something this host counts changed).</summary>
    public void Wake()
    {
        _dirty = true;
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken already.
            }
        }
    }

    /// <summary>See <see cref="ProjectUse.AdmitAsync"/>; under the gate, and the next round looks again (a start that then fails).</summary>
    public async Task<HospesError?> AdmitAsync(string cluster, string name, VmUse use, VmUse? now, ProjectLimits? limits, QuotaRequest request, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ProjectUse.AdmitAsync(_store, _keys, cluster, name, use, now, limits, request, ct).ConfigureAwait(false);
        }
        finally
        {
            _dirty = true;
            _gate.Release();
        }
    }

    /// <summary>One round: nothing when nothing changed here since the last (and that was recent); tests call it directly.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        if (!_dirty && _synced == _local().Fingerprint() && _time.GetElapsedTime(_syncedAt) < FullEvery)
        {
            return;
        }

        _dirty = false;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            LocalUse local = _local();
            await SyncAsync(local, ct).ConfigureAwait(false);
            _synced = local.Fingerprint();
            _syncedAt = _time.GetTimestamp();
        }
        catch
        {
            _dirty = true;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        _gate.Dispose();
        _wake.Dispose();
    }

    private async Task SyncAsync(LocalUse local, CancellationToken ct)
    {
        var owners = (await _store.ListAsync(_keys.Vms, ct).ConfigureAwait(false))
            .ToDictionary(e => ClusterKeys.NameOf(e.Key), e => ClusterService.Read<VmOwner>(e.Value)?.Host, StringComparer.Ordinal);
        var uses = (await _store.ListAsync(_keys.VmUses, ct).ConfigureAwait(false)).ToDictionary(e => ClusterKeys.NameOf(e.Key), StringComparer.Ordinal);
        var counted = new HashSet<string>(local.Starting, StringComparer.Ordinal);

        // A dead host's HA VM the leader moved here (its key moved with its claim): its room is kept until the restart
        // is admitted (which rewrites the key) or the order is given up (then the key goes).
        foreach (StoreEntry order in await _store.ListAsync(_keys.HaRestarts, ct).ConfigureAwait(false))
        {
            if (ClusterService.Read<Ha.HaRestart>(order.Value)?.Host == _host)
            {
                counted.Add(ClusterKeys.NameOf(order.Key));
            }
        }
        foreach (RunningUse r in local.Running)
        {
            counted.Add(r.Name);
            if (owners.GetValueOrDefault(r.Name) != _host)
            {
                continue;
            }

            var want = new VmUse(_host, r.Project, r.MemoryMiB, r.Vcpus);
            if (uses.TryGetValue(r.Name, out StoreEntry? have) && ClusterService.Read<VmUse>(have.Value) == want)
            {
                continue;
            }

            // A VM running here that its key does not show (a restarted hospesd, an arrival, a shrink): what runs counts, unchecked.
            await ProjectUse.AdmitAsync(_store, _keys, "", r.Name, want, null, null, QuotaRequest.Start(r.Name, r.MemoryMiB, r.Vcpus), ct).ConfigureAwait(false);
            LogSynced(r.Name, r.Project, r.MemoryMiB, r.Vcpus);
        }

        foreach ((string name, StoreEntry entry) in uses)
        {
            if (counted.Contains(name))
            {
                continue;
            }

            // Stopped here (or deleted, or never started): the key goes when the VM is this host's, or no one's and the key says here.
            string? owner = owners.GetValueOrDefault(name);
            if (owner == _host || (owner is null && ClusterService.Read<VmUse>(entry.Value)?.Host == _host))
            {
                await _store.DeleteIfAsync(entry.Key, entry.Value, ct).ConfigureAwait(false);
                LogSynced(name, ClusterService.Read<VmUse>(entry.Value)?.Project ?? "?", 0, 0);
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        string? lastFailure = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(ct).ConfigureAwait(false);
                lastFailure = null;
            }
            catch (ClusterStoreException e)
            {
                if (e.Message != lastFailure)
                {
                    LogSyncFailed(e.Message);
                    lastFailure = e.Message;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await _wake.WaitAsync(Every, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.ClusterUseSynced, Level = LogLevel.Debug, Message = "VM {Vm} (project {Project}) counts {MemoryMiB} MiB and {Vcpus} vCPUs over the cluster now")]
    private partial void LogSynced(string vm, string project, long memoryMiB, int vcpus);

    [LoggerMessage(EventId = LogEvents.ClusterUseSyncFailed, Level = LogLevel.Warning, Message = "this host's running VMs could not be recorded in the cluster's store (the next round tries again): {Why}")]
    private partial void LogSyncFailed(string why);
}
