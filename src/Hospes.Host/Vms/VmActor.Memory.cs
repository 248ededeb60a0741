using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Memory;
using Hospes.Host.State;
using Hospes.Qemu.Launch;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

internal sealed partial class VmActor
{
    /// <summary>No target below this: a Linux guest's kernel and init need about that much.</summary>
    public const int MinimumMib = 64;

    private const long Mib = 1024 * 1024;

    /// <summary>A driver that has not reached its target after this long is reported as unresponsive.</summary>
    private static readonly TimeSpan BalloonPatience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan DriverRecheck = TimeSpan.FromSeconds(30);

    private readonly Lock _memoryGate = new();
    private VmMemoryState _memory = VmMemoryState.None;
    private DateTimeOffset _driverCheckedAt;

    public VmMemoryState Memory
    {
        get
        {
            lock (_memoryGate)
            {
                return _memory;
            }
        }
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

    /// <summary>`hospes mem-set`: balloons a running guest to <paramref name="mib"/> and keeps it as the VM's memory.</summary>
    public Task<Result<VmRecord>> MemSetAsync(int mib) => EnqueueAsync<VmRecord>(async () =>
    {
        VmRecord r = Record;
        if (_qemu is null || r.State is not (VmState.Running or VmState.Paused))
        {
            return HospesError.State($"cannot mem-set {r.Name}: it is {r.State.ToString().ToLowerInvariant()}; mem-set balloons a running guest. "
                + $"Start it first (`hospes start {r.Name}`): the value set while it runs is kept for its next start");
        }

        VmMemoryState m = Memory;
        int booted = m.BootedMib ?? r.Spec.MaxMemoryMib;
        if (mib > r.Spec.MaxMemoryMib)
        {
            return HospesError.Invalid($"{r.Name}: {mib} MiB is above its maxmem ({r.Spec.MaxMemoryMib} MiB); raise the ceiling first with `hospes mem-max {r.Name} {mib}`"
                + (mib > booted ? $" (while it runs, at most the {booted} MiB it was started with)" : ""));
        }

        if (mib > booted)
        {
            return HospesError.Invalid($"{r.Name}: {mib} MiB is more than the {booted} MiB of RAM it was started with; a guest gets more only when it starts again with a higher maxmem");
        }

        // Asked now, not taken from the last sample: the driver may have been unloaded since.
        BalloonDriver? driver = await _qemu.Qmp.QueryBalloonDriverAsync().ConfigureAwait(false) ?? m.Driver;
        UpdateMemory(x => x.BootedMib is null ? x : x with { Driver = driver });
        if (driver is not { Ready: true })
        {
            return HospesError.Unavailable($"{r.Name}: the guest has no balloon driver running (virtio_balloon), so it cannot give memory back; "
                + "load the module in the guest (`modprobe virtio_balloon`), or change memory in its config and start it again");
        }

        int floor = FloorMib(m.GuestUsedBytes);
        if (mib < floor)
        {
            return HospesError.Invalid(m.GuestUsedBytes is { } used
                ? $"{r.Name}: {mib} MiB is below what the guest uses now ({used / Mib} MiB, cache and free memory not counted) plus a margin; choose at least {floor} MiB, or free memory in the guest first"
                : $"{r.Name}: {mib} MiB is below the minimum of {MinimumMib} MiB a guest needs; choose at least {MinimumMib} MiB");
        }

        Result<bool> set = await SetBalloonTargetCoreAsync(mib, policyReason: null).ConfigureAwait(false);
        if (!set.IsOk)
        {
            return set.Error;
        }

        return Commit(Record with { Spec = Record.Spec with { MemoryMib = mib } });
    });

    /// <summary>`hospes mem-max`: the most the guest may ever get. While it runs, not above the RAM it was started with.</summary>
    public Task<Result<VmRecord>> MemMaxAsync(int mib) => EnqueueAsync<VmRecord>(() =>
    {
        VmRecord r = Record;
        if (mib < MinimumMib)
        {
            return Task.FromResult<Result<VmRecord>>(HospesError.Invalid($"{r.Name}: maxmem {mib} MiB is below the minimum of {MinimumMib} MiB a guest needs"));
        }

        bool running = _qemu is not null;
        if (running && mib < r.Spec.MemoryMib)
        {
            return Task.FromResult<Result<VmRecord>>(HospesError.Invalid($"{r.Name}: maxmem {mib} MiB is below its memory ({r.Spec.MemoryMib} MiB); lower memory first with `hospes mem-set {r.Name} {mib}`"));
        }

        if (running && Memory.BootedMib is { } booted && mib > booted)
        {
            return Task.FromResult<Result<VmRecord>>(HospesError.Invalid(
                $"{r.Name}: it runs with the {booted} MiB of RAM it was started with; a maxmem above that takes effect only at a start: shut it down (`hospes shutdown {r.Name}`), then run mem-max again"));
        }

        // A VM that is not running has no balloon: lowering its ceiling lowers its memory with it.
        VmSpec spec = r.Spec with { MaxMemoryMib = mib, MemoryMib = running ? r.Spec.MemoryMib : Math.Min(r.Spec.MemoryMib, mib) };
        return Task.FromResult<Result<VmRecord>>(Commit(r with { Spec = spec }));
    });

    /// <summary>The balance policy moves this guest's target; refused unless its driver follows targets.</summary>
    public Task<Result<int>> PolicyTargetAsync(int mib, string? reason) => EnqueueAsync<int>(async () =>
    {
        VmRecord r = Record;
        VmMemoryState m = Memory;
        if (_qemu is null || r.State != VmState.Running || m.Balloon != BalloonState.Active)
        {
            return HospesError.State($"{r.Name}: its balloon does not follow targets now ({m.Balloon})");
        }

        int ceiling = Math.Min(r.Spec.MemoryMib, m.BootedMib ?? r.Spec.MemoryMib);
        int target = Math.Clamp(mib, Math.Min(FloorMib(m.GuestUsedBytes), ceiling), ceiling);
        Result<bool> set = await SetBalloonTargetCoreAsync(target, target < ceiling ? reason : null).ConfigureAwait(false);
        return set.IsOk ? target : set.Error;
    });

    /// <summary>In the queue, once QEMU runs (before the guest's first instruction) or was re-attached.</summary>
    private async Task StartBalloonAsync(IQmp qmp, int bootedMib, int targetMib, bool setTarget)
    {
        DateTimeOffset now = _ctx.Time.GetUtcNow();
        lock (_memoryGate)
        {
            _memory = VmMemoryState.None with { BootedMib = bootedMib, TargetMib = targetMib, TargetSetAt = now, SampledAt = now };
            _driverCheckedAt = default;
        }

        if (setTarget && targetMib < bootedMib)
        {
            await qmp.SetBalloonTargetAsync(targetMib * Mib).ConfigureAwait(false);
        }

        await qmp.SetBalloonStatsIntervalAsync((int)_ctx.Options.Memory.Interval.TotalSeconds).ConfigureAwait(false);
    }

    private async Task<Result<bool>> SetBalloonTargetCoreAsync(int mib, string? policyReason)
    {
        IQemuProcess? q = _qemu;
        if (q is null)
        {
            return HospesError.State($"{Record.Name} is not running");
        }

        try
        {
            await q.Qmp.SetBalloonTargetAsync(mib * Mib).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException or TimeoutException)
        {
            return HospesError.Unavailable($"{Record.Name}: QEMU did not take the balloon target: {e.Message}");
        }

        DateTimeOffset now = _ctx.Time.GetUtcNow();
        UpdateMemory(m => m with { TargetMib = mib, TargetSetAt = now, PolicyReason = policyReason, Unresponsive = false });
        return true;
    }

    /// <summary>
    /// Reads the balloon, the guest's statistics and the QEMU process from /proc. Runs outside the queue (it only
    /// reads), so a slow lifecycle command does not stall `hospes top`.
    /// </summary>
    public async Task SampleMemoryAsync(CancellationToken ct)
    {
        IQemuProcess? q = _qemu;
        if (q is null || Memory.BootedMib is null)
        {
            return;
        }

        long actual;
        BalloonStats stats;
        BalloonDriver? driver = Memory.Driver;
        DateTimeOffset now = _ctx.Time.GetUtcNow();
        if (Memory.TargetMib is null)
        {
            // A QEMU without a balloon (started before Hospes had them): only /proc has something to say.
            SampleProcess(q.Pid, now);
            return;
        }

        try
        {
            actual = await q.Qmp.QueryBalloonAsync(ct).ConfigureAwait(false);
            stats = await q.Qmp.QueryBalloonStatsAsync(ct).ConfigureAwait(false);
            if (driver is not { Ready: true } || now - _driverCheckedAt > DriverRecheck)
            {
                driver = await q.Qmp.QueryBalloonDriverAsync(ct).ConfigureAwait(false);
                _driverCheckedAt = now;
            }
        }
        catch (Exception e) when (e is QmpException or QmpDisconnectedException or TimeoutException or ObjectDisposedException)
        {
            return; // QEMU is going away; the next sample sees it gone
        }

        // Without x-query-virtio-status (older QEMU), statistics arriving prove a driver.
        driver ??= new BalloonDriver(stats.UpdatedAt is not null, false, stats.UpdatedAt is not null, false);
        long? rss = ProcFs.ResidentBytes(q.Pid);
        long? pss = ProcFs.ProportionalBytes(q.Pid);
        double cpu = ProcFs.CpuSeconds(q.Pid);
        bool paused = Record.State != VmState.Running;
        string name = Record.Name;
        bool reportUnresponsive = false;
        UpdateMemory(m =>
        {
            if (m.BootedMib is null)
            {
                return m; // detached meanwhile
            }

            bool off = m.TargetMib is { } target && driver.Ready && Math.Abs(actual - (target * Mib)) > 16 * Mib;
            bool unresponsive = off && !paused && now - m.TargetSetAt > BalloonPatience;
            reportUnresponsive = unresponsive && !m.Unresponsive;
            return m with
            {
                ActualBytes = actual,
                Stats = stats,
                Driver = driver,
                HostRssBytes = rss,
                HostPssBytes = pss,
                CpuPercent = CpuPercent(m, cpu, now),
                CpuSeconds = cpu,
                SampledAt = now,
                Unresponsive = unresponsive || (m.Unresponsive && off),
            };
        });
        if (reportUnresponsive)
        {
            LogBalloonUnresponsive(name, Memory.TargetMib ?? 0, actual / Mib);
        }
    }

    private void SampleProcess(int pid, DateTimeOffset now)
    {
        long rss = ProcFs.ResidentBytes(pid);
        long? pss = ProcFs.ProportionalBytes(pid);
        double cpu = ProcFs.CpuSeconds(pid);
        UpdateMemory(m => m.BootedMib is null ? m : m with
        {
            HostRssBytes = rss,
            HostPssBytes = pss,
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

    private void UpdateMemory(Func<VmMemoryState, VmMemoryState> change)
    {
        lock (_memoryGate)
        {
            _memory = change(_memory);
        }
    }

    private void ForgetMemory()
    {
        lock (_memoryGate)
        {
            _memory = VmMemoryState.None;
        }
    }
}
