using System.Collections.Concurrent;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Vms;
using Hospes.Storage.QemuImg;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>
/// Migrations in both directions. Outgoing: resolves the destination, runs the VM actor's migration and forgets
/// the VM once the destination confirmed it. Incoming: checks an offer, defines the VM, makes its disks and an
/// incoming QEMU, and watches it until the source finishes or the stream breaks (then nothing stays behind).
/// </summary>
internal sealed partial class MigrationService : IAsyncDisposable
{
    private static readonly TimeSpan WatchEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan SilentLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan UnfinishedLimit = TimeSpan.FromSeconds(60);

    private readonly VmContext _ctx;
    private readonly VmManager _vms;
    private readonly QemuImg _img;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _outgoing = new();
    private readonly ConcurrentDictionary<string, IncomingMigration> _incoming = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public MigrationService(VmContext ctx, VmManager vms, QemuImg img)
    {
        _ctx = ctx;
        _vms = vms;
        _img = img;
        _log = ctx.Logs.CreateLogger("Hospes.Migration");
    }

    /// <summary>Resolves a destination by its name on this host (set by the host that wires peers in).</summary>
    public Func<string, Result<IMigrationTarget>> Targets { get; set; } = name => HospesError.NotFound($"no host named '{name}'");

    /// <summary>This host's name, as destinations see it.</summary>
    public string HostName { get; set; } = Environment.MachineName;

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
            Result<MigrationSummary> done = await actor.MigrateOutAsync(new MigrationPlan
            {
                Target = target,
                SourceHost = HostName,
                Offline = request.Offline,
                CopyStorage = request.CopyStorage,
                DowntimeMs = request.DowntimeMs ?? MigrationDefaults.DowntimeMs,
                Postcopy = request.Postcopy,
                DryRun = request.DryRun,
                QemuDefaults = request.QemuDefaults,
                ConvergeTimeout = request.ConvergeTimeoutS is { } s ? TimeSpan.FromSeconds(s) : MigrationDefaults.ConvergeTimeout,
                Emit = emit,
                Cancel = cancel.Token,
            }).ConfigureAwait(false);
            if (done.IsOk && done.Value.Mode != "dry-run")
            {
                await _vms.ForgetAsync(actor, CancellationToken.None).ConfigureAwait(false);
            }
            else if (!done.IsOk)
            {
                LogMigrationFailed(actor.Record.Name, target.Name, done.Error.Message);
            }

            return done;
        }
        finally
        {
            _outgoing.TryRemove(actor.Record.Uuid, out _);
        }
    }

    /// <summary>What can be refused before anything moves: the VM, the destination, the numbers.</summary>
    public Result<(VmActor Actor, IMigrationTarget Target)> Check(string vm, MigrateRequest request)
    {
        Result<VmActor> found = _vms.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
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

        Result<IMigrationTarget> target = Targets(request.Host);
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

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (IncomingMigration m in _incoming.Values)
        {
            await AbortAsync(m.Id, "hospesd is stopping").ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
