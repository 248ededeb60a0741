using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Peers;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration.Evacuation;

/// <summary>
/// `hospes host evacuate HOST` and `hospes host restore HOST` (issue 17, part 2; Incus's evacuate/restore). HOST is
/// cordoned (`cordoned/HOST` in etcd: placement and HA skip it) and its running VMs migrate live to the up, uncordoned
/// member with the most free memory, two at a time, or (mode stop) shut down there. Another member's evacuation is
/// that member's own work: the request goes to it over the trusted peer channel.
/// </summary>
internal sealed partial class EvacuationService
{
    public const string Live = "live";
    public const string Stop = "stop";
    private const int AtOnce = 2;
    private const int ShutdownTimeoutS = 120;
    private readonly ClusterService _cluster;
    private readonly VmManager _vms;
    private readonly MigrationService _migrations;
    private readonly PeerService _peers;
    private readonly IEvacuationPeers _remote;
    private readonly string _stateDir;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private int _busy;

    public EvacuationService(ClusterService cluster, VmManager vms, MigrationService migrations, PeerService peers, IEvacuationPeers remote, string stateDir, TimeProvider time, ILoggerFactory logs)
    {
        _cluster = cluster;
        _vms = vms;
        _migrations = migrations;
        _peers = peers;
        _remote = remote;
        _stateDir = Path.GetFullPath(stateDir) + "/";
        _time = time;
        _log = logs.CreateLogger("Hospes.Host.Cluster.Evacuation");
    }

    /// <summary>What is refused before the stream starts: no cluster, a bad mode, an unknown host, a host that is down.</summary>
    public async Task<HospesError?> CheckAsync(string host, string? mode, CancellationToken ct)
    {
        if (mode is not (null or Live or Stop))
        {
            return HospesError.Invalid($"--mode {mode}: give live (the VMs migrate to other hosts) or stop (they shut down on {host})");
        }

        Result<IReadOnlyList<ClusterHost>> hosts = await _cluster.ListAsync(ct).ConfigureAwait(false);
        if (!hosts.IsOk)
        {
            return hosts.Error;
        }

        if (hosts.Value.FirstOrDefault(h => h.Member.Name == host) is not { } found)
        {
            return HospesError.NotFound($"host '{host}' is not a member of cluster '{_cluster.Config!.Name}'; `hospes cluster list` shows its hosts");
        }

        if (!found.Up)
        {
            string seen = found.LastSeen is { } t ? $", last seen {t:u}" : "";
            return HospesError.State($"cannot evacuate host '{host}': it is down{seen}, so nothing there can migrate or shut its VMs down; "
                + $"bring it back up and evacuate it then, or, if it is gone for good, `hospes cluster remove {host}`");
        }

        Result<PeerRecord> peer = _peers.Reachable(host);
        return host == _cluster.HostName || peer.IsOk
            ? null
            : HospesError.State($"cannot ask host '{host}' to evacuate: this host does not trust it ({peer.Error!.Message}); run the command on '{host}', or `hospes host add` it here");
    }

    /// <summary>Evacuates <paramref name="host"/> (this one, or another member by the peer channel), telling each step to <paramref name="emit"/>.</summary>
    public async Task<Result<EvacuationResult>> EvacuateAsync(string host, string? mode, string by, Func<EvacuationStep, Task> emit, CancellationToken ct)
    {
        if (await CheckAsync(host, mode, ct).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (host != _cluster.HostName)
        {
            return await ForwardAsync(host, new EvacuationAsk(mode, by), emit, ct).ConfigureAwait(false);
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return HospesError.Conflict($"host '{host}' is being evacuated or restored already; wait until that ends");
        }

        try
        {
            return await EvacuateHereAsync(mode ?? Live, by, emit, ct).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Takes <paramref name="host"/> back into service; for a stop-mode evacuation, starts what it stopped.</summary>
    public async Task<Result<RestoreResult>> RestoreAsync(string host, string by, CancellationToken ct)
    {
        if (await CheckAsync(host, null, ct).ConfigureAwait(false) is { } refused)
        {
            return refused.Message.StartsWith("cannot evacuate", StringComparison.Ordinal) ? refused with { Message = "cannot restore" + refused.Message["cannot evacuate".Length..] } : refused;
        }

        if (host != _cluster.HostName)
        {
            return await _remote.RestoreAsync(_peers.Reachable(host).Value, new EvacuationAsk(null, by), ct).ConfigureAwait(false);
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return HospesError.Conflict($"host '{host}' is being evacuated or restored already; wait until that ends");
        }

        try
        {
            return await RestoreHereAsync(by, ct).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private async Task<Result<EvacuationResult>> ForwardAsync(string host, EvacuationAsk request, Func<EvacuationStep, Task> emit, CancellationToken ct)
    {
        EvacuationResult? report = null;
        await foreach (EvacuationStep e in _remote.EvacuateAsync(_peers.Reachable(host).Value, request, ct).ConfigureAwait(false))
        {
            if (e.Event == "done" && e.Result is not null)
            {
                report = e.Result;
            }
            else if (e.Event == "error")
            {
                return HospesError.State(e.Message ?? $"host '{host}' refused the evacuation");
            }
            else
            {
                await emit(e).ConfigureAwait(false);
            }
        }

        return report is null
            ? HospesError.Unavailable($"host '{host}' ended the evacuation's stream without its report; `hospes cluster list` and `hospes list` there show where it got to")
            : report;
    }
}
