using System.Collections.Concurrent;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Vms;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>
/// Outgoing migrations: resolves the destination, runs the migration in the VM's queue and forgets the VM once the
/// destination confirmed it. (The destination's side is <see cref="IncomingMigrations"/>.)
/// </summary>
internal sealed partial class MigrationService
{
    private readonly VmManager _vms;
    private readonly IMigrationTargets _targets;
    private readonly MigrationOfferBuilder _offers;
    private readonly string _hostName;
    private readonly ILogger _log;
    private readonly ILogger _vmLog;
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _outgoing = new();

    /// <param name="hostName">This host's name, as destinations see it.</param>
    public MigrationService(VmManager vms, IMigrationTargets targets, MigrationOfferBuilder offers, string hostName, ILoggerFactory logs)
    {
        _vms = vms;
        _targets = targets;
        _offers = offers;
        _hostName = hostName;
        _log = logs.CreateLogger("Hospes.Migration");
        _vmLog = logs.CreateLogger(VmLog.Category);
    }

    public async Task<Result<MigrationSummary>> MigrateAsync(string vm, MigrateRequest request, Func<MigrationEvent, Task> emit)
    {
        Result<(VmActor Actor, IMigrationTarget Target)> checkedRequest = Check(vm, request);
        if (!checkedRequest.IsOk)
        {
            return checkedRequest.Error;
        }

        (VmActor actor, IMigrationTarget target) = checkedRequest.Value;
        using var cancel = new CancellationTokenSource();
        if (!_outgoing.TryAdd(actor.Record.Uuid, cancel))
        {
            return HospesError.Conflict($"{actor.Record.Name} is already being migrated; `hospes migrate --cancel {actor.Record.Name}` stops that");
        }

        try
        {
            var plan = new MigrationPlan
            {
                Target = target,
                SourceHost = _hostName,
                Offline = request.Offline,
                CopyStorage = request.CopyStorage,
                DowntimeMs = request.DowntimeMs ?? MigrationDefaults.DowntimeMs,
                Postcopy = request.Postcopy,
                DryRun = request.DryRun,
                QemuDefaults = request.QemuDefaults,
                ConvergeTimeout = request.ConvergeTimeoutS is { } s ? TimeSpan.FromSeconds(s) : MigrationDefaults.ConvergeTimeout,
                Emit = e =>
                {
                    Publish(actor, target.Name, e);
                    return emit(e);
                },
                Cancel = cancel.Token,
            };
            Result<MigrationSummary> done = await actor.RunAsync(new OutgoingMigration(plan, _offers, _vmLog)).ConfigureAwait(false);
            Publish(actor, target.Name, done.IsOk
                ? new MigrationEvent { Event = "done", Message = $"{done.Value.Mode} migration to {target.Name} done" }
                : new MigrationEvent { Event = "failed", Message = done.Error.Message });
            if (done.IsOk && done.Value.Mode != "dry-run")
            {
                await _vms.ForgetAsync(actor, CancellationToken.None).ConfigureAwait(false);

                // A destination in the cluster took the VM's owner with it; one outside it did not: the name is free then.
                await _vms.Claims.ReleaseAsync(actor.Record.Name, CancellationToken.None).ConfigureAwait(false);
            }
            else if (!done.IsOk)
            {
                LogMigrationFailed(_log, actor.Record.Name, target.Name, done.Error.Message);
            }

            return done;
        }
        finally
        {
            _outgoing.TryRemove(actor.Record.Uuid, out _);
        }
    }

    /// <summary>A step of an outgoing migration on the event stream: its phase, and bytes moved of the memory or the disks.</summary>
    private void Publish(VmActor actor, string target, MigrationEvent e) => _vms.Events.Publish(() =>
    {
        bool disks = e.DiskTotalBytes > 0 && e.TotalBytes == 0;
        return new HostEvent
        {
            Type = HostEventTypes.Progress,
            Operation = "migrate",
            Phase = e.Event,
            Vm = actor.Record.Name,
            VmUuid = actor.Record.Uuid,
            Done = disks ? e.DiskCopiedBytes : e.TotalBytes > 0 ? Math.Max(0, e.TotalBytes - e.RemainingBytes) : null,
            Total = disks ? e.DiskTotalBytes : e.TotalBytes > 0 ? e.TotalBytes : null,
            Unit = disks || e.TotalBytes > 0 ? "bytes" : null,
            Message = e.Message ?? (e.Status is null ? $"to {target}" : $"to {target}: {e.Status}"),
        };
    });

    /// <summary>What can be refused before anything moves: the VM, the destination, the numbers.</summary>
    public Result<(VmActor Actor, IMigrationTarget Target)> Check(string vm, MigrateRequest request)
    {
        Result<VmActor> found = _vms.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        if (Vms.Forks.ForkService.IsFrozen(found.Value.Record))
        {
            string name = found.Value.Record.Name;
            return HospesError.State($"cannot migrate {name}: it is frozen as a template of running state, and its forks (and later `clone --instant`) map its RAM file on this host; migrate its forks instead, or `hospes start {name}` to continue it, then migrate it running");
        }

        if (request.DowntimeMs is { } d && d is < 1 or > 60_000)
        {
            return HospesError.Invalid($"--downtime-ms {d}: the pause allowed at the switch-over must be 1 to 60000 ms (default {MigrationDefaults.DowntimeMs})");
        }

        if (request.ConvergeTimeoutS is { } t && t is < 1 or > 86_400)
        {
            return HospesError.Invalid($"--timeout {t}: give 1 to 86400 seconds (default {MigrationDefaults.ConvergeTimeout.TotalSeconds:0})");
        }

        if (request.Offline && request.Postcopy)
        {
            return HospesError.Invalid("--offline and --postcopy do not go together: post-copy is a way to migrate a running guest; choose one");
        }

        Result<IMigrationTarget> target = _targets.Find(request.Host);
        return target.IsOk ? (found.Value, target.Value) : target.Error;
    }

    /// <summary>`hospes migrate --cancel VM`: the migration stops before its switch-over and the guest stays here.</summary>
    public Result<bool> Cancel(string vm)
    {
        Result<VmActor> found = _vms.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        if (!_outgoing.TryGetValue(found.Value.Record.Uuid, out CancellationTokenSource? cancel))
        {
            return HospesError.State($"{found.Value.Record.Name} is not being migrated");
        }

        cancel.Cancel();
        return true;
    }
}
