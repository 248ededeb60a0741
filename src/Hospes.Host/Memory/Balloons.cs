using System.Runtime.CompilerServices;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Memory;

/// <summary>
/// Every running guest's balloon: what it stands at (kept per QEMU, so it goes with the QEMU), targets, and the
/// samples `hospes top` and the policy read. Targets change in the VM's queue (see the commands); samples are
/// read outside it, so a slow lifecycle command does not stall `hospes top`.
/// </summary>
internal sealed partial class Balloons
{
    /// <summary>No target below this: a Linux guest's kernel and init need about that much.</summary>
    public const int MinimumMib = 64;

    private const long Mib = 1024 * 1024;

    /// <summary>A driver that has not reached its target after this long is reported as unresponsive.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan DriverRecheck = TimeSpan.FromSeconds(30);

    private readonly ConditionalWeakTable<IQmp, Tracker> _tracked = [];
    private readonly MemorySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public Balloons(MemorySettings settings, TimeProvider time, ILoggerFactory logs)
    {
        _settings = settings;
        _time = time;
        _log = logs.CreateLogger("Hospes.Vm");
    }

    /// <summary>
    /// The lowest target that leaves the guest what it uses now plus a margin (an eighth, at least 32 MiB), so a balloon
    /// never pushes it into swapping or the OOM killer. Without statistics only the absolute minimum is known.
    /// </summary>
    public static int FloorMib(long? guestUsedBytes)
    {
        if (guestUsedBytes is not { } used)
        {
            return MinimumMib;
        }

        long floor = used + Math.Max(32 * Mib, used / 8);
        return Math.Max(MinimumMib, (int)((floor + Mib - 1) / Mib));
    }

    /// <summary>The VM's memory as last seen; <see cref="VmMemoryState.None"/> while it has no QEMU.</summary>
    public VmMemoryState Of(IVm vm) => vm.Qmp is { } qmp ? Of(qmp) : VmMemoryState.None;

    public VmMemoryState Of(IQmp qmp)
    {
        if (!_tracked.TryGetValue(qmp, out Tracker? t))
        {
            return VmMemoryState.None;
        }

        lock (t.Gate)
        {
            return t.State;
        }
    }

    /// <summary>In the queue, once QEMU runs (before the guest's first instruction): the balloon starts at the VM's memory.</summary>
    public async Task StartAsync(IQmp qmp, int bootedMib, int targetMib, bool setTarget)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Tracker t = _tracked.GetValue(qmp, _ => new Tracker());
        lock (t.Gate)
        {
            t.State = VmMemoryState.None with { BootedMib = bootedMib, TargetMib = targetMib, TargetSetAt = now, SampledAt = now };
            t.DriverCheckedAt = default;
        }

        if (setTarget && targetMib < bootedMib)
        {
            await qmp.SetBalloonTargetAsync(targetMib * Mib).ConfigureAwait(false);
        }

        await qmp.SetBalloonStatsIntervalAsync((int)_settings.Interval.TotalSeconds).ConfigureAwait(false);
    }

    /// <summary>
    /// After hospesd restarted: the balloon keeps its target in QEMU; what it holds now becomes the target (a policy cut
    /// is undone by the policy). A QEMU started before Hospes had balloons has none: it is watched without one, and
    /// gets one at its next start.
    /// </summary>
    public async Task ReattachAsync(IQmp qmp, VmRecord r)
    {
        int booted = (int)(await qmp.QueryRamSizeAsync().ConfigureAwait(false) / Mib);
        try
        {
            int actual = (int)(await qmp.QueryBalloonAsync().ConfigureAwait(false) / Mib);
            await StartAsync(qmp, booted, Math.Min(r.Spec.MemoryMib, Math.Max(actual, MinimumMib)), setTarget: false).ConfigureAwait(false);
        }
        catch (QmpException)
        {
            Update(qmp, _ => VmMemoryState.None with { BootedMib = booted, SampledAt = _time.GetUtcNow() }, create: true);
        }
    }

    /// <summary>Moves the balloon's target (in the VM's queue); <paramref name="policyReason"/> when the policy holds it down.</summary>
    public async Task<Result<bool>> SetTargetAsync(IVmSession vm, int mib, string? policyReason)
    {
        if (vm.Qmp is not { } qmp)
        {
            return HospesError.State($"{vm.Record.Name} is not running");
        }

        try
        {
            await qmp.SetBalloonTargetAsync(mib * Mib).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException or TimeoutException)
        {
            return HospesError.Unavailable($"{vm.Record.Name}: QEMU did not take the balloon target: {e.Message}");
        }

        DateTimeOffset now = _time.GetUtcNow();
        Update(qmp, m => m with { TargetMib = mib, TargetSetAt = now, PolicyReason = policyReason, Unresponsive = false });
        return true;
    }

    /// <summary>Records the driver as just asked (mem-set asks before judging a size).</summary>
    public void NoteDriver(IQmp qmp, BalloonDriver? driver) => Update(qmp, x => x.BootedMib is null ? x : x with { Driver = driver });

    /// <summary>
    /// Reads the balloon, the guest's statistics and the QEMU process from /proc. Runs outside the queue (it only
    /// reads).
    /// </summary>
    public async Task SampleAsync(IVm vm, CancellationToken ct)
    {
        if (vm.Qmp is not { } qmp || vm.Pid is not { } pid || !_tracked.TryGetValue(qmp, out Tracker? t))
        {
            return;
        }

        VmMemoryState m0 = Of(qmp);
        if (m0.BootedMib is null)
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (m0.TargetMib is null)
        {
            // A QEMU without a balloon (started before Hospes had them): only /proc has something to say.
            SampleProcess(qmp, pid, now);
            return;
        }

        long actual;
        BalloonStats stats;
        BalloonDriver? driver = m0.Driver;
        try
        {
            actual = await qmp.QueryBalloonAsync(ct).ConfigureAwait(false);
            stats = await qmp.QueryBalloonStatsAsync(ct).ConfigureAwait(false);
            if (driver is not { Ready: true } || now - t.DriverCheckedAt > DriverRecheck)
            {
                driver = await qmp.QueryBalloonDriverAsync(ct).ConfigureAwait(false);
                t.DriverCheckedAt = now;
            }
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException or TimeoutException or ObjectDisposedException)
        {
            return; // QEMU is going away; the next sample sees it gone
        }

        // Without x-query-virtio-status (older QEMU), statistics arriving prove a driver.
        driver ??= new BalloonDriver(stats.UpdatedAt is not null, false, stats.UpdatedAt is not null, false);
        long? rss = ProcFs.ResidentBytes(pid);
        (long? pss, long? own) = ProcFs.Rollup(pid);
        double cpu = ProcFs.CpuSeconds(pid);
        bool paused = vm.Record.State != VmState.Running;
        string name = vm.Record.Name;
        bool reportUnresponsive = false;
        Update(qmp, m =>
        {
            bool off = m.TargetMib is { } target && driver.Ready && Math.Abs(actual - (target * Mib)) > 16 * Mib;
            bool unresponsive = off && !paused && now - m.TargetSetAt > Patience;
            reportUnresponsive = unresponsive && !m.Unresponsive;
            return m with
            {
                ActualBytes = actual,
                Stats = stats,
                Driver = driver,
                HostRssBytes = rss,
                HostPssBytes = pss,
                HostPrivateBytes = own,
                CpuPercent = CpuPercent(m, cpu, now),
                CpuSeconds = cpu,
                SampledAt = now,
                Unresponsive = unresponsive || (m.Unresponsive && off),
            };
        });
        if (reportUnresponsive)
        {
            LogUnresponsive(name, Of(qmp).TargetMib ?? 0, actual / Mib);
        }
    }

    private void SampleProcess(IQmp qmp, int pid, DateTimeOffset now)
    {
        long rss = ProcFs.ResidentBytes(pid);
        (long? pss, long? own) = ProcFs.Rollup(pid);
        double cpu = ProcFs.CpuSeconds(pid);
        Update(qmp, m => m with
        {
            HostRssBytes = rss,
            HostPssBytes = pss,
            HostPrivateBytes = own,
            CpuPercent = CpuPercent(m, cpu, now),
            CpuSeconds = cpu,
            SampledAt = now,
        });
    }

    /// <summary>CPU % of one core since the last sample; null for the first.</summary>
    private static double? CpuPercent(VmMemoryState last, double cpuSeconds, DateTimeOffset now)
    {
        double seconds = (now - last.SampledAt).TotalSeconds;
        return last.CpuSeconds > 0 && seconds > 0.1 ? Math.Max(0, (cpuSeconds - last.CpuSeconds) / seconds * 100) : null;
    }

    /// <summary>Changes a QEMU's memory state; a QEMU not (or no longer) tracked is left alone unless <paramref name="create"/>.</summary>
    private void Update(IQmp qmp, Func<VmMemoryState, VmMemoryState> change, bool create = false)
    {
        Tracker? t = create ? _tracked.GetValue(qmp, _ => new Tracker()) : _tracked.TryGetValue(qmp, out Tracker? found) ? found : null;
        if (t is null)
        {
            return;
        }

        lock (t.Gate)
        {
            t.State = change(t.State);
        }
    }

    [LoggerMessage(EventId = LogEvents.VmBalloonUnresponsive, Level = LogLevel.Warning, Message = "{Name}: the guest's balloon driver has not reached its target of {TargetMib} MiB (it holds {ActualMib} MiB); left alone by the memory policy")]
    private partial void LogUnresponsive(string name, int targetMib, long actualMib);

    /// <summary>One QEMU's memory as last seen, and when its driver was last asked about.</summary>
    private sealed class Tracker
    {
        public Lock Gate { get; } = new();

        public VmMemoryState State { get; set; } = VmMemoryState.None;

        public DateTimeOffset DriverCheckedAt { get; set; }
    }
}
