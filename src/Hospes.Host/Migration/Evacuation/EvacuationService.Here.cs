using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Evacuation;
using Hospes.Host.State;
using Hospes.Host.Vms;
using MigrateRequest = Hospes.Host.Migration.MigrateRequest;
using MigrationEvent = Hospes.Host.Migration.MigrationEvent;
using MigrationSummary = Hospes.Host.Migration.MigrationSummary;

namespace Hospes.Host.Migration.Evacuation;

/// <summary>The evacuation of this host itself, and its restore.</summary>
internal sealed partial class EvacuationService
{
    private async Task<Result<EvacuationResult>> EvacuateHereAsync(string mode, string by, Func<EvacuationStep, Task> emit, CancellationToken ct)
    {
        string host = _cluster.HostName;
        Result<IReadOnlyDictionary<string, CordonRecord>> cordons = await _cluster.CordonsAsync(ct).ConfigureAwait(false);
        if (!cordons.IsOk)
        {
            return cordons.Error;
        }

        // Evacuating again keeps what a stop-mode evacuation stopped before (restore starts those).
        CordonRecord? before = cordons.Value.GetValueOrDefault(host);
        var cordon = new CordonRecord { Since = before?.Since ?? _time.GetUtcNow(), Mode = mode, By = by, Stopped = before?.Stopped ?? [] };
        if (await _cluster.CordonAsync(cordon, ct).ConfigureAwait(false) is { } notCordoned)
        {
            return notCordoned;
        }

        LogEvacuating(host, mode, by);
        using var gate = new SemaphoreSlim(1, 1);
        async Task Emit(EvacuationStep e)
        {
            // Two migrations report at once; the stream takes one line at a time.
            await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await emit(e).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        await Emit(new EvacuationStep { Event = "cordoned", Message = $"host {host} takes no new VMs ({mode} evacuation by {by})" }).ConfigureAwait(false);
        var left = new List<VmOutcome>();
        var running = new List<VmActor>();
        foreach (VmActor a in _vms.All.OrderBy(a => a.Record.Name, StringComparer.Ordinal))
        {
            if (a.Record.State is VmState.Running or VmState.Paused)
            {
                running.Add(a);
            }
            else
            {
                left.Add(new VmOutcome { Vm = a.Record.Name, Why = $"it is {a.Record.State.ToString().ToLowerInvariant()}: nothing of it runs here" });
            }
        }

        foreach (VmOutcome l in left)
        {
            await Emit(new EvacuationStep { Event = "left", Vm = l.Vm, Message = l.Why }).ConfigureAwait(false);
        }

        EvacuationResult report = mode == Stop
            ? await StopAllAsync(running, cordon, Emit, ct).ConfigureAwait(false)
            : await MoveAllAsync(running, Emit, ct).ConfigureAwait(false);
        report = report with { Left = left };
        LogEvacuated(host, report.Moved.Count, report.Stopped.Count, report.Failed.Count);
        return report;
    }

    private async Task<EvacuationResult> MoveAllAsync(IReadOnlyList<VmActor> vms, Func<EvacuationStep, Task> emit, CancellationToken ct)
    {
        var moved = new List<VmOutcome>();
        var failed = new List<VmOutcome>();
        var planned = new Dictionary<string, long>(StringComparer.Ordinal);
        using var slots = new SemaphoreSlim(AtOnce, AtOnce);
        using var choosing = new SemaphoreSlim(1, 1);
        async Task MoveAsync(VmActor actor)
        {
            string name = actor.Record.Name;
            await slots.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                Result<string> target;
                await choosing.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    target = await ChooseAsync(name, actor.Record.Spec.MaxMemoryMib, planned, ct).ConfigureAwait(false);
                    if (target.IsOk)
                    {
                        planned[target.Value] = planned.GetValueOrDefault(target.Value) + actor.Record.Spec.MaxMemoryMib;
                    }
                }
                finally
                {
                    choosing.Release();
                }

                Result<MigrationSummary> done = target.IsOk
                    ? await MigrateAsync(actor, target.Value, emit).ConfigureAwait(false)
                    : target.Error;
                lock (moved)
                {
                    if (done.IsOk)
                    {
                        moved.Add(new VmOutcome { Vm = name, To = target.Value });
                    }
                    else
                    {
                        failed.Add(new VmOutcome { Vm = name, To = target.IsOk ? target.Value : null, Why = done.Error.Message });
                    }
                }

                if (done.IsOk)
                {
                    LogMoved(name, target.Value);
                    await emit(new EvacuationStep { Event = "moved", Vm = name, To = target.Value, Message = $"{name} runs on {target.Value}" }).ConfigureAwait(false);
                }
                else
                {
                    LogNotMoved(name, done.Error.Message);
                    await emit(new EvacuationStep { Event = "failed", Vm = name, To = target.IsOk ? target.Value : null, Message = done.Error.Message }).ConfigureAwait(false);
                }
            }
            finally
            {
                slots.Release();
            }
        }

        await Task.WhenAll(vms.Select(MoveAsync)).ConfigureAwait(false);
        return new EvacuationResult { Host = _cluster.HostName, Mode = Live, Moved = [.. moved.OrderBy(m => m.Vm, StringComparer.Ordinal)], Failed = [.. failed.OrderBy(m => m.Vm, StringComparer.Ordinal)] };
    }

    private async Task<Result<MigrationSummary>> MigrateAsync(VmActor actor, string to, Func<EvacuationStep, Task> emit)
    {
        string name = actor.Record.Name;
        await emit(new EvacuationStep { Event = "migrating", Vm = name, To = to, Message = $"{name} migrates to {to}" }).ConfigureAwait(false);
        var request = new MigrateRequest { Host = to, CopyStorage = HasLocalDisks(actor.Record.Spec) };
        return await _migrations.MigrateAsync(name, request, e => e.Event == "check" ? Task.CompletedTask : emit(Step(name, to, e))).ConfigureAwait(false);
    }

    private static EvacuationStep Step(string vm, string to, MigrationEvent e)
    {
        bool disks = e.DiskTotalBytes > 0 && e.TotalBytes == 0;
        return new EvacuationStep
        {
            Event = "migration",
            Vm = vm,
            To = to,
            Phase = e.Event,
            Done = disks ? e.DiskCopiedBytes : e.TotalBytes > 0 ? Math.Max(0, e.TotalBytes - e.RemainingBytes) : null,
            Total = disks ? e.DiskTotalBytes : e.TotalBytes > 0 ? e.TotalBytes : null,
            Message = e.Message ?? e.Status,
        };
    }

    /// <summary>Disks in this host's own store go with the VM (the copy-storage path); disks elsewhere are taken as shared.</summary>
    private bool HasLocalDisks(VmSpec spec) =>
        spec.Disks.Any(d => d.Target.Length > 0 && Path.GetFullPath(d.Target).StartsWith(_stateDir, StringComparison.Ordinal));

    private async Task<EvacuationResult> StopAllAsync(IReadOnlyList<VmActor> vms, CordonRecord cordon, Func<EvacuationStep, Task> emit, CancellationToken ct)
    {
        var stopped = new List<VmOutcome>();
        var failed = new List<VmOutcome>();
        await Task.WhenAll(vms.Select(async actor =>
        {
            string name = actor.Record.Name;
            Result<VmRecord> done = await VmLifecycle.ShutdownAsync(actor, _vms.Commands, ShutdownTimeoutS, force: true, ct).ConfigureAwait(false);
            lock (stopped)
            {
                (done.IsOk ? stopped : failed).Add(new VmOutcome { Vm = name, Why = done.IsOk ? null : done.Error.Message });
            }

            await emit(done.IsOk
                ? new EvacuationStep { Event = "stopped", Vm = name, Message = $"{name} shut down; `hospes host restore` starts it again" }
                : new EvacuationStep { Event = "failed", Vm = name, Message = done.Error.Message }).ConfigureAwait(false);
        })).ConfigureAwait(false);

        // The cordon remembers what it stopped, so a restore (even from another host, or after a restart) starts those.
        CordonRecord withStopped = cordon with { Stopped = [.. cordon.Stopped.Union(stopped.Select(s => s.Vm), StringComparer.Ordinal).Order(StringComparer.Ordinal)] };
        if (await _cluster.CordonAsync(withStopped, CancellationToken.None).ConfigureAwait(false) is { } notKept)
        {
            failed.Add(new VmOutcome { Vm = "-", Why = $"the stopped VMs could not be recorded ({notKept.Message}); start them yourself after `hospes host restore`" });
        }

        return new EvacuationResult { Host = _cluster.HostName, Mode = Stop, Stopped = [.. stopped.OrderBy(s => s.Vm, StringComparer.Ordinal)], Failed = [.. failed.OrderBy(s => s.Vm, StringComparer.Ordinal)] };
    }

    private async Task<Result<RestoreResult>> RestoreHereAsync(string by, CancellationToken ct)
    {
        string host = _cluster.HostName;
        Result<IReadOnlyDictionary<string, CordonRecord>> cordons = await _cluster.CordonsAsync(ct).ConfigureAwait(false);
        if (!cordons.IsOk)
        {
            return cordons.Error;
        }

        if (cordons.Value.GetValueOrDefault(host) is not { } cordon)
        {
            return HospesError.State($"host '{host}' is not evacuated; nothing to restore (`hospes cluster list` shows evacuated hosts)");
        }

        var started = new List<string>();
        var failed = new List<VmOutcome>();
        foreach (string name in cordon.Stopped)
        {
            Result<VmActor> found = _vms.Find(name);
            if (!found.IsOk)
            {
                failed.Add(new VmOutcome { Vm = name, Why = "it is no longer defined here" });
                continue;
            }

            if (found.Value.Record.State is VmState.Running or VmState.Paused)
            {
                continue;
            }

            Result<VmRecord> start = await found.Value.RunAsync(_vms.Commands.Start(), ct).ConfigureAwait(false);
            if (start.IsOk)
            {
                started.Add(name);
            }
            else
            {
                LogNotStarted(name, start.Error.Message);
                failed.Add(new VmOutcome { Vm = name, Why = start.Error.Message });
            }
        }

        Result<bool> uncordoned = await _cluster.UncordonAsync(ct).ConfigureAwait(false);
        if (!uncordoned.IsOk)
        {
            return uncordoned.Error;
        }

        LogRestored(host, by, started.Count);
        return new RestoreResult { Host = host, Mode = cordon.Mode, Started = started, Failed = failed };
    }
}
