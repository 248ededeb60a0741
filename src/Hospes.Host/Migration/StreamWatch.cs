using System.Diagnostics;
using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Host.Vms;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Migration;

/// <summary>
/// Follows an outgoing stream to its end: progress out, cancel in, post-copy when asked and pre-copy lags, and a clean
/// failure with the reason when it cannot converge.
/// </summary>
internal sealed class StreamWatch(MigrationPlan plan, IQmp qmp, QemuSignals signals, TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether the watch switched the stream to post-copy.</summary>
    public bool PostcopyStarted { get; private set; }

    public async Task<Result<MigrationStatus>> WatchAsync(string vm, bool paused, Stopwatch clock)
    {
        DateTimeOffset started = time.GetUtcNow();
        DateTimeOffset lastEmit = DateTimeOffset.MinValue;
        MigrationStatus s;
        while (true)
        {
            Task changed = signals.MigrationChanged;
            s = await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
            if (s.IsCompleted || s.IsPostcopy)
            {
                return s; // its progress line goes out after the switch-over, which is the guest's downtime
            }

            if (s.IsFailed)
            {
                return new HospesError(ErrorCode.Internal, $"the stream to {plan.Target.Name} failed: {s.Error ?? s.Status}; {vm} continues here");
            }

            TimeSpan elapsed = time.GetUtcNow() - started;
            if (plan.Cancel.IsCancellationRequested && !s.IsPostcopy)
            {
                return HospesError.State($"migration of {vm} to {plan.Target.Name} cancelled; it continues here");
            }

            if (!paused && !s.IsPostcopy && s.Status == "active")
            {
                if (plan.Postcopy && !PostcopyStarted && elapsed >= MigrationDefaults.PostcopyAfter)
                {
                    await qmp.StartPostcopyAsync().ConfigureAwait(false);
                    PostcopyStarted = true;
                    await plan.Emit(new MigrationEvent { Event = "postcopy", Message = $"pre-copy did not converge in {elapsed.TotalSeconds:0.#} s; the guest continues on {plan.Target.Name} and pulls the rest", ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
                }
                else if (!plan.Postcopy && elapsed >= plan.ConvergeTimeout)
                {
                    return new HospesError(ErrorCode.Timeout, string.Create(CultureInfo.InvariantCulture,
                        $"migration of {vm} to {plan.Target.Name} did not converge in {plan.ConvergeTimeout.TotalSeconds:0} s: the guest dirties {s.DirtyBytesPerSecond >> 20} MiB/s, the link carries {s.Mbps / 8:0} MB/s, expected downtime {s.ExpectedDowntimeMs ?? 0} ms against a limit of {(plan.QemuDefaults ? "QEMU's 300" : plan.DowntimeMs)} ms (pass {s.Passes}, cpu throttled {s.ThrottlePercent} %); it continues here. Try --downtime-ms with a higher limit, --postcopy, or --offline"));
                }
            }

            if (time.GetUtcNow() - lastEmit >= ProgressEvery)
            {
                lastEmit = time.GetUtcNow();
                await plan.Emit(Progress(s, clock)).ConfigureAwait(false);
            }

            await Task.WhenAny(changed, Task.Delay(Poll, time)).ConfigureAwait(false);
        }
    }

    /// <summary>After the switch-over of a post-copy: waits until the destination has pulled the rest; failed when it broke off.</summary>
    public async Task<MigrationStatus> FinishPostcopyAsync(MigrationStatus done)
    {
        while (!done.IsCompleted && !done.IsFailed)
        {
            await Task.Delay(Poll, time).ConfigureAwait(false);
            done = await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
        }

        return done;
    }

    public static MigrationEvent Progress(MigrationStatus s, Stopwatch clock) => new()
    {
        Event = "progress",
        Status = s.Status,
        TransferredBytes = s.TransferredBytes,
        RemainingBytes = s.RemainingBytes,
        TotalBytes = s.TotalBytes,
        DirtyBytesPerSecond = s.DirtyBytesPerSecond,
        Pass = s.Passes,
        ExpectedDowntimeMs = s.ExpectedDowntimeMs,
        Mbps = s.Mbps,
        ThrottlePercent = s.ThrottlePercent,
        ElapsedMs = clock.ElapsedMilliseconds,
    };
}
