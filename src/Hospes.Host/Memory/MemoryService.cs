using System.Collections.Concurrent;
using Hospes.Contracts;
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
    /// <summary>VMs admitted and still starting: their memory (committed) and the working set promised to them.</summary>
    private readonly ConcurrentDictionary<Guid, (long Memory, long Needs)> _starting = new();
    private readonly Lock _admitGate = new();
    private readonly Queue<MemoryAction> _actions = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _ksmManaged;
    private int _calmRounds;
    private bool _pressureReported;

    public MemoryService(HostOptions options, StateDb db, IVmDirectory vms, Balloons balloons, TimeProvider time, ILoggerFactory logs, HostMemoryReader? reader = null, Ksm? ksm = null)
    {
        _settings = options.Memory;
        _db = db;
        _vms = vms;
        _balloons = balloons;
        _time = time;
        _log = logs.CreateLogger("Hospes.Memory");
        _reader = reader ?? new HostMemoryReader();
        _ksm = ksm ?? new Ksm();
    }

    public MemorySettings Settings => _settings;

    public void Start()
    {
        HostMemorySample host = _reader.Read();
        long totalMib = host.TotalBytes / Mib;
        long reserveMib = _settings.ReserveBytes(host.TotalBytes) / Mib;
        string source = host.CgroupLimitBytes is null ? "RAM" : "hospesd's cgroup limit";
        LogSettings(totalMib, source, _settings.OvercommitRatio, reserveMib, _settings.Policy, _settings.Ksm);
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

    /// <summary>
    /// Admission control: a VM may start if the host's committed memory stays within the overcommit ratio and the host
    /// can hold the guest's working set now, on top of what running guests actually use, keeping its reserve.
    /// The working set is estimated from this host's running guests (see <see cref="WorkingSet"/>).
    /// </summary>
    public Result<MemoryReservation> Admit(VmRecord vm, int ramMib)
    {
        long memory = Math.Min(vm.Spec.MemoryMib, ramMib) * Mib;
        lock (_admitGate)
        {
            HostMemorySample host = _reader.Read();
            long committed = Committed(exclude: vm.Uuid);
            long limit = (long)(host.TotalBytes * _settings.OvercommitRatio);
            long reserve = _settings.ReserveBytes(host.TotalBytes);
            long starting = _starting.Where(s => s.Key != vm.Uuid).Sum(s => s.Value.Needs);
            long canHold = host.AvailableBytes - reserve - starting;
            (long needs, double? share) = WorkingSet(memory);
            string? refusal = null;
            if (committed + memory > limit)
            {
                refusal = $"cannot start {vm.Name}: its {memory / Mib} MiB would commit {(committed + memory) / Mib} MiB, past this host's limit of "
                    + $"{limit / Mib} MiB ({host.TotalBytes / Mib} MiB RAM × overcommit ratio {_settings.OvercommitRatio:0.##}; {committed / Mib} MiB committed now). "
                    + $"Stop a VM, lower a VM's memory with `hospes mem-set`, or raise memory.overcommit_ratio in hospesd's settings";
            }
            else if (needs > canHold)
            {
                string estimate = share is { } f ? $" (of its {memory / Mib} MiB: guests here hold {f:P0} of their memory at the median, + 25 %)" : "";
                refusal = $"cannot start {vm.Name}: the host cannot hold it now: it needs about {needs / Mib} MiB{estimate}; {host.AvailableBytes / Mib} MiB available"
                    + (starting > 0 ? $", {starting / Mib} MiB promised to VMs that are starting" : "")
                    + $", {reserve / Mib} MiB kept for the host (memory.reserve_mib) leaves {Math.Max(0, canHold) / Mib} MiB. "
                    + $"Stop a VM, start this one with less memory, or free memory on the host";
            }

            if (refusal is not null)
            {
                LogAdmissionRefused(refusal);
                return HospesError.Unavailable(refusal);
            }

            _starting[vm.Uuid] = (memory, needs);
            return new MemoryReservation(() => _starting.TryRemove(vm.Uuid, out _));
        }
    }

    public HostMemoryInfo HostInfo()
    {
        HostMemorySample host = _reader.Read();
        IReadOnlyList<IVm> running = [.. _vms.All.Where(a => _balloons.Of(a).BootedMib is not null)];
        long committed = Committed(exclude: null);
        long reserve = _settings.ReserveBytes(host.TotalBytes);
        KsmStatus ksm = _ksm.Read();
        return new HostMemoryInfo
        {
            TotalMib = host.TotalBytes / Mib,
            AvailableMib = host.AvailableBytes / Mib,
            FreeMib = host.FreeBytes / Mib,
            CgroupLimitMib = host.CgroupLimitBytes / Mib,
            CommittedMib = committed / Mib,
            OvercommitRatio = _settings.OvercommitRatio,
            CommitLimitMib = (long)(host.TotalBytes * _settings.OvercommitRatio) / Mib,
            CommittedRatio = host.TotalBytes > 0 ? Math.Round(committed / (double)host.TotalBytes, 2) : 0,
            ReserveMib = reserve / Mib,
            Pressure = host.AvailableBytes < reserve,
            PsiSomeAvg10 = host.PressureAvg10,
            Policy = _settings.Policy.ToString().ToLowerInvariant(),
            GuestsRssMib = running.Sum(a => _balloons.Of(a).HostRssBytes ?? 0) / Mib,
            GuestsPssMib = running.Sum(a => _balloons.Of(a).HostPssBytes ?? 0) / Mib,
            VmsRunning = running.Count,
            Ksm = new KsmInfo
            {
                State = !ksm.Available ? "unavailable" : ksm.Running ? "on" : "off",
                Mode = _settings.Ksm.ToString().ToLowerInvariant(),
                ManagedByHospes = _ksmManaged,
                PagesShared = ksm.PagesShared,
                PagesSharing = ksm.PagesSharing,
                SavedMib = ksm.SavedBytes / Mib,
                PagesToScan = ksm.PagesToScan,
                SleepMs = ksm.SleepMs,
                FullScans = ksm.FullScans,
            },
            FreePageReportingGuests = running.Count(a => _balloons.Of(a).Driver is { FreePageReporting: true }),
        };
    }

    public TopInfo Top()
    {
        MemoryAction[] actions;
        lock (_actions)
        {
            actions = [.. _actions.Reverse()];
        }

        return new TopInfo
        {
            Host = HostInfo(),
            Vms = [.. _vms.All.Where(a => _balloons.Of(a).BootedMib is not null).Select(VmInfo).OrderBy(v => v.Name, StringComparer.Ordinal)],
            Actions = actions,
        };
    }

    public VmMemoryInfo VmInfo(IVm actor)
    {
        VmRecord r = actor.Record;
        VmMemoryState m = _balloons.Of(actor);
        DateTimeOffset now = _time.GetUtcNow();
        return new VmMemoryInfo
        {
            Name = r.Name,
            State = r.State.ToString().ToLowerInvariant(),
            MemoryMib = r.Spec.MemoryMib,
            MaxMemoryMib = r.Spec.MaxMemoryMib,
            BootedMib = m.BootedMib,
            TargetMib = m.TargetMib,
            ActualMib = m.ActualBytes / Mib,
            GuestUsedMib = m.GuestUsedBytes / Mib,
            GuestFreeMib = m.Stats?.FreeBytes / Mib,
            GuestAvailableMib = m.Stats?.AvailableBytes / Mib,
            GuestCacheMib = m.Stats?.DiskCachesBytes / Mib,
            StatsAgeS = m.Stats?.UpdatedAt is { } at ? Math.Round(Math.Max(0, (now - at).TotalSeconds), 1) : null,
            HostRssMib = m.HostRssBytes / Mib,
            HostPssMib = m.HostPssBytes / Mib,
            CpuPercent = m.CpuPercent is { } cpu ? Math.Round(cpu, 1) : null,
            Balloon = m.Balloon switch
            {
                BalloonState.NoDriver => "no-driver",
                BalloonState.Active => "active",
                BalloonState.Unresponsive => "unresponsive",
                _ => "off",
            },
            FreePageReporting = m.Driver is { FreePageReporting: true },
            PolicyReason = m.PolicyReason,
        };
    }

    /// <summary>
    /// What a guest of <paramref name="memory"/> is expected to take from the host: the share of their memory that this
    /// host's running guests' QEMUs hold (median, once at least three run; RSS, so QEMU's own memory is in it) plus a
    /// quarter, at most the whole memory. With fewer guests to learn from, the whole memory. The balance policy and the
    /// guests' free page reporting keep real use near it; the reserve absorbs the rest.
    /// </summary>
    private (long Bytes, double? Share) WorkingSet(long memory)
    {
        double[] shares = [.. _vms.All.Select(a => (_balloons.Of(a).HostRssBytes, Mib: Math.Min(a.Record.Spec.MemoryMib, _balloons.Of(a).BootedMib ?? 0)))
            .Where(x => x.HostRssBytes > 0 && x.Mib > 0)
            .Select(x => x.HostRssBytes!.Value / (double)(x.Mib * Mib))
            .Order()];
        if (shares.Length < 3)
        {
            return (memory, null);
        }

        double share = shares[shares.Length / 2];
        long bytes = (long)(memory * share * 1.25);
        return bytes >= memory ? (memory, null) : (bytes, share);
    }

    /// <summary>The memory of every VM with a QEMU, and of VMs admitted but still starting.</summary>
    private long Committed(Guid? exclude)
    {
        long running = _vms.All.Where(a => a.Record.Uuid != exclude && a.Pid is not null && !_starting.ContainsKey(a.Record.Uuid))
            .Sum(a => (long)Math.Min(a.Record.Spec.MemoryMib, _balloons.Of(a).BootedMib ?? a.Record.Spec.MemoryMib) * Mib);
        return running + _starting.Where(s => s.Key != exclude).Sum(s => s.Value.Memory);
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
        var action = new MemoryAction { At = _time.GetUtcNow(), Vm = vm.Record.Name, FromMib = from, ToMib = to, Reason = reason };
        lock (_actions)
        {
            _actions.Enqueue(action);
            while (_actions.Count > ActionsKept)
            {
                _actions.Dequeue();
            }
        }

        LogPolicyAction(action.Vm, from, to, reason);
    }
}
