using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Memory;

/// <summary>
/// The host's memory: admission control for starts, the guests' balloon statistics, KSM, and the balance policy
/// that moves memory from idle guests to the host under pressure and back when it ends (as oVirt's MOM does).
/// </summary>
internal sealed partial class MemoryService : IAsyncDisposable
{
    private const long Mib = 1024 * 1024;
    private const int ActionsKept = 100;

    private readonly MemorySettings _settings;
    private readonly StateDb _db;
    private readonly IVmDirectory _vms;
    private readonly Balloons _balloons;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HostMemoryReader _reader;
    private readonly Ksm _ksm;
    private readonly HostEvents _events;
    /// <summary>VMs admitted and still starting: their memory (committed) and the working set promised to them.</summary>
    // Admitted, still starting. A fork's entry is its own estimate, and names its fork file with that file's size: the
    // file is counted once among all of them (StartingBytes), not once per fork starting beside the others.
    private readonly ConcurrentDictionary<Guid, (long Memory, long Needs, string? ForkFile, long FileBytes)> _starting = new();
    private readonly Lock _admitGate = new();
    private readonly Queue<PolicyAction> _actions = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _ksmManaged;
    private int _calmRounds;
    private bool _pressureReported;

    public MemoryService(HostOptions options, StateDb db, IVmDirectory vms, Balloons balloons, TimeProvider time, ILoggerFactory logs, HostMemoryReader? reader = null, Ksm? ksm = null, HostEvents? events = null, ProjectQuotas? quotas = null)
    {
        _events = events ?? new HostEvents(time);
        _settings = options.Memory;
        _db = db;
        _vms = vms;
        _balloons = balloons;
        _time = time;
        _log = logs.CreateLogger("Hospes.Memory");
        _reader = reader ?? new HostMemoryReader();
        _ksm = ksm ?? new Ksm();
        Quotas = quotas ?? new ProjectQuotas(db, vms);
    }

    /// <summary>The projects' limits, which mem-set's growth stays within.</summary>
    public ProjectQuotas Quotas { get; }

    public MemorySettings Settings => _settings;

    public void Start()
    {
        HostMemorySample host = _reader.Read();
        long totalMib = host.TotalBytes / Mib;
        long reserveMib = _settings.ReserveBytes(host.TotalBytes) / Mib;
        string source = host.CgroupLimitBytes is null ? "RAM" : "hospesd's cgroup limit";
        LogSettings(totalMib, source, _settings.OvercommitRatio, reserveMib, _settings.Policy, _settings.Ksm);
        SampleHistory();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_settings.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await RoundAsync(ct).ConfigureAwait(false);
                    SampleHistory();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One round: sample every guest, then KSM, then the policy.</summary>
    internal async Task RoundAsync(CancellationToken ct)
    {
        IReadOnlyList<IVm> vms = _vms.All;
        await Task.WhenAll(vms.Select(a => _balloons.SampleAsync(a, ct))).ConfigureAwait(false);
        IReadOnlyList<IVm> running = [.. vms.Where(a => _balloons.Of(a).BootedMib is not null)];
        ManageKsm(running);
        if (_settings.Policy == MemoryPolicyMode.Balance)
        {
            await BalanceAsync(running).ConfigureAwait(false);
        }
    }

    private void Note(IVm vm, int from, int to, string reason)
    {
        var action = new PolicyAction(_time.GetUtcNow(), vm.Record.Name, from, to, reason);
        lock (_actions)
        {
            _actions.Enqueue(action);
            while (_actions.Count > ActionsKept)
            {
                _actions.Dequeue();
            }
        }

        LogPolicyAction(action.Vm, from, to, reason);
        _events.Publish(() => new HostEvent
        {
            Type = HostEventTypes.MemoryBalloon,
            At = action.At,
            Vm = action.Vm,
            VmUuid = vm.Record.Uuid,
            Message = $"balloon target {from} -> {to} MiB: {reason}",
        });
    }

    /// <summary>KSM switched on or put back: a host-wide event.</summary>
    private void NoteKsm(string message) =>
        _events.Publish(() => new HostEvent { Type = HostEventTypes.MemoryKsm, Message = message });
}
