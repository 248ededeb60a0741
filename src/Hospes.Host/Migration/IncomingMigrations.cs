using System.Collections.Concurrent;
using System.Net;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Settings;
using Hospes.Host.Storage;
using Hospes.Host.Vms;
using Hospes.Storage.QemuImg;
using Microsoft.Extensions.Logging;
using Hospes.Qemu.Host;
using Hospes.Qemu.Qmp;
using Hospes.Network;
using Hospes.Network.Tools;

namespace Hospes.Host.Migration;

/// <summary>
/// Incoming migrations, the destination's side: checks an offer, defines the VM, makes its disks and an incoming
/// QEMU, and watches it until the source finishes or the stream breaks (then nothing stays behind).
/// </summary>
internal sealed partial class IncomingMigrations : IAsyncDisposable
{
    private static readonly TimeSpan WatchEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan SilentLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan UnfinishedLimit = TimeSpan.FromSeconds(60);

    private readonly VmManager _vms;
    private readonly VmLayout _layout;
    private readonly StoreLayout _store;
    private readonly VmLauncher _launcher;
    private readonly OfferChecks _checks;
    private readonly IQemuImg _img;
    private readonly MigrationPorts _ports;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ILogger _vmLog;
    private readonly ConcurrentDictionary<string, IncomingMigration> _incoming = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Told of each VM that arrived (after its switch-over): its guest gets this host's SSH key (GuestKeyPush).</summary>
    private readonly Action<VmActor>? _arrived;

    public IncomingMigrations(
        VmManager vms, VmLayout layout, StoreLayout store, VmLauncher launcher, OfferChecks checks, IQemuImg img, INetworkHost network, TimeProvider time, ILoggerFactory logs,
        Action<VmActor>? arrived = null)
    {
        _arrived = arrived;
        _vms = vms;
        _layout = layout;
        _store = store;
        _launcher = launcher;
        _checks = checks;
        _img = img;
        _time = time;
        _log = logs.CreateLogger("Hospes.Migration");
        _vmLog = logs.CreateLogger(VmLog.Category);
        _ports = new MigrationPorts(network, _log);
    }

    /// <summary>At start, before any offer: the rules of migrations a killed hospesd left go (<see cref="MigrationPorts"/>).</summary>
    public Task ClearStaleRulesAsync(CancellationToken ct) => _ports.ClearAsync(ct);

    /// <summary>
    /// The destination's half of the handshake: every check (answered even when one fails, so the user fixes all
    /// in one go), then, unless it is a dry run, the VM's row, its disks and an incoming QEMU listening on
    /// <paramref name="listenHost"/>, its ports reachable from <paramref name="fromAddress"/> only (the address the source
    /// made this offer from). A failure leaves none of it.
    /// </summary>
    public async Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer, string fromPeer, string listenHost, string fromAddress, CancellationToken ct)
    {
        if (_checks.Validate(offer, fromPeer) is { } invalid)
        {
            return invalid;
        }

        VmSpec spec = offer.Spec;
        if (CheckDisks(offer) is { } badDisks)
        {
            return badDisks;
        }

        var mirrored = offer.MirroredDisks.ToDictionary(d => d.Vdev, StringComparer.Ordinal);
        IReadOnlyList<MigrationCheck> checks = await _checks.CheckAsync(offer, mirrored).ConfigureAwait(false);
        if (offer.DryRun || checks.Any(c => !c.Ok))
        {
            return new MigrationPrepared { Checks = checks };
        }

        Result<MigrationTlsPeer> source = MigrationTlsPeer.Check(offer.Tls, fromPeer);
        if (!source.IsOk)
        {
            return source.Error;
        }

        // In a cluster the name must be the source's (or no one's): a third host's VM of that name is another VM.
        if (await _vms.Claims.CheckArrivalAsync(spec.Name, fromPeer, ct).ConfigureAwait(false) is { } owned)
        {
            return owned;
        }

        // The name and uuid are this offer's from here: another offer (or a local create) of them is refused, so
        // what this prepare makes, and its undo, never touch another VM's folder. Released after the undo.
        Result<IDisposable> reserved = await _vms.ReserveAsync(spec, ct).ConfigureAwait(false);
        if (!reserved.IsOk)
        {
            return reserved.Error;
        }

        using IDisposable reservation = reserved.Value;
        string id = Guid.NewGuid().ToString("N")[..12];
        await using var revert = new Reverter();
        string vmDir = _layout.VmDir(spec.Uuid);
        if (Directory.Exists(vmDir))
        {
            return HospesError.Conflict($"{vmDir} exists though no VM here has uuid {spec.Uuid}; `hospes disk check` says what it holds; move it away to receive {spec.Name}");
        }

        revert.Add(() =>
        {
            if (Directory.Exists(vmDir))
            {
                Directory.Delete(vmDir, recursive: true);
            }
        });
        var volumes = new List<VolumeRecord>();
        var disks = new List<DiskSpec>();
        foreach (DiskSpec d in spec.Disks)
        {
            if (mirrored.TryGetValue(d.Vdev, out MigratedDisk? m))
            {
                string path = _store.VmDiskPath(spec.Uuid, d.Vdev);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                Result<bool> made = await _img.CreateAsync(path, "qcow2", m.VirtualSize, ct).ConfigureAwait(false);
                if (!made.IsOk)
                {
                    return made.Error with { Message = $"disk {d.Vdev}: {made.Error.Message}" };
                }

                volumes.Add(new VolumeRecord
                {
                    Kind = VolumeKind.VmDisk,
                    Name = $"{spec.Name}/{d.Vdev}",
                    Path = path,
                    Format = "qcow2",
                    VirtualSize = m.VirtualSize,
                    Vm = spec.Uuid,
                    CreatedAt = _time.GetUtcNow(),
                });
                disks.Add(d with { Target = path, Format = "qcow2" });
            }
            else if (offer.InlineDisks.TryGetValue(d.Vdev, out string? content))
            {
                Directory.CreateDirectory(vmDir);
                string path = Path.Combine(vmDir, $"{d.Vdev}.img");
                await File.WriteAllBytesAsync(path, Convert.FromBase64String(content), ct).ConfigureAwait(false);
                disks.Add(d with { Target = path });
            }
            else
            {
                disks.Add(d);
            }
        }

        if (offer.Boot is { } boot)
        {
            await MigratedBootFiles.WriteAsync(vmDir, boot, ct).ConfigureAwait(false);
        }

        // The host key hospesd made for the guest comes with it: `hospes ssh` checks it here too, and a restart here hands it over again.
        if (offer.SshHostKey is { } hostKey && new GuestHostKeys(_layout).Import(spec.Uuid, hostKey) is { IsOk: false } notKept)
        {
            return notKept.Error with { Message = $"{spec.Name}: {notKept.Error.Message}" };
        }

        Result<VmActor> defined = await _vms.DefineIncomingAsync(spec with { Disks = disks }, volumes, revert, ct, offer.Project).ConfigureAwait(false);
        if (!defined.IsOk)
        {
            return defined.Error;
        }

        VmActor actor = defined.Value;

        // A hospesd restarted from here on finds this VM half-received and drops it (unless its guest runs here).
        new MigrationJournal { Direction = MigrationJournal.Incoming, Peer = fromPeer, Id = id, Running = offer.Running }.Write(_layout.MigrationJournal(spec.Uuid));
        var qemu = new IncomingQemu(_launcher, id, fromPeer, _vmLog);
        revert.Add(() => actor.RunAsync(qemu.Abort()));
        MigrationTls tls = MigrationTls.Create(_time.GetUtcNow());
        Result<MigrationPrepared> ready = await actor.RunAsync(qemu.Prepare(offer.RamMib, offer.AgentChannel, listenHost, offer.Postcopy, [.. mirrored.Keys], tls, source.Value), CancellationToken.None).ConfigureAwait(false);
        if (!ready.IsOk)
        {
            return ready.Error;
        }

        // Before the source learns the ports, nobody but the source can reach them (the TLS behind them stays the lock;
        // this keeps a third host from failing the migration by taking a connection first).
        int[] ports = [ready.Value.MigratePort, .. ready.Value.NbdPort is { } nbd ? [nbd] : Array.Empty<int>()];
        try
        {
            await _ports.OpenAsync(id, IPAddress.Parse(listenHost.Trim('[', ']')), IPAddress.Parse(fromAddress), ports, ct).ConfigureAwait(false);
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"{spec.Name}: cannot limit the migration's ports ({string.Join(", ", ports)}) to {fromPeer} ({fromAddress}) with nftables: {e.Message}; fix nft on this host, then migrate again");
        }

        revert.Commit();
        var incoming = new IncomingMigration(id, actor, qemu, fromPeer, _time.GetUtcNow(), offer.Postcopy);
        _incoming[id] = incoming;
        LogIncoming(_log, spec.Name, fromPeer, id, ready.Value.MigratePort);
        _ = WatchAsync(incoming);
        return ready.Value with { Id = id, Checks = checks };
    }

    /// <summary>
    /// The source's stream is done: continue the guest here when <paramref name="run"/>. On failure this host keeps
    /// nothing of it. A <paramref name="probe"/> only walks the path (nothing changes).
    /// </summary>
    public async Task<Result<MigrationFinished>> FinishAsync(string id, bool run, bool postcopy, bool probe)
    {
        if (!_incoming.TryGetValue(id, out IncomingMigration? m))
        {
            return HospesError.NotFound($"no incoming migration {id} here (it failed or was aborted; see hospesd's log)");
        }

        DateTimeOffset received = _time.GetUtcNow();
        if (!probe && !m.TryBeginFinish())
        {
            return HospesError.State($"incoming migration {id} is being {(m.IsFinishing ? "finished" : "aborted")} already");
        }

        // In a cluster the VM's owner moves here before its guest continues here: a move etcd refuses keeps it on the source.
        string name = m.Actor.Record.Name;
        Guid uuid = m.Actor.Record.Uuid;
        if (!probe && await _vms.Claims.MoveHereAsync(name, uuid, m.FromPeer, CancellationToken.None).ConfigureAwait(false) is { } notMoved)
        {
            if (!postcopy)
            {
                await DropAsync(id, notMoved.Message).ConfigureAwait(false);
                return notMoved;
            }

            // Post-copy runs the guest here already: it cannot go back, so it continues here with its owner left behind.
            LogIncomingAborted(_log, name, m.FromPeer, $"post-copy continues here, but {notMoved.Message}");
        }

        Result<MigrationFinished> finished = await m.Actor.RunAsync(m.Qemu.Finish(run, postcopy, probe)).ConfigureAwait(false);
        if (finished.IsOk)
        {
            finished = finished.Value with { ReceivedAt = received };
        }

        if (probe)
        {
            return finished;
        }

        if (!finished.IsOk)
        {
            await DropAsync(id, finished.Error.Message).ConfigureAwait(false);
            await _vms.Claims.MoveBackAsync(name, uuid, m.FromPeer, CancellationToken.None).ConfigureAwait(false);
            return finished.Error;
        }

        _incoming.TryRemove(id, out _);
        await _ports.CloseAsync(id).ConfigureAwait(false);
        MigrationJournal.Delete(m.Actor.Layout.MigrationJournal(m.Actor.Record.Uuid));
        LogArrived(_log, m.Actor.Record.Name, m.FromPeer);
        _arrived?.Invoke(m.Actor);
        return finished;
    }

    /// <summary>
    /// The offer's disk lists, whatever the sender put in them: each vdev once, each a disk of the spec, none both
    /// mirrored and sent whole. (The spec itself is checked with every other spec.)
    /// </summary>
    private static HospesError? CheckDisks(MigrationOffer offer)
    {
        var vdevs = offer.Spec.Disks.Select(d => d.Vdev).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        problems.AddRange(offer.Spec.Disks.GroupBy(d => d.Vdev, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"the spec has two disks {g.Key}"));
        problems.AddRange(offer.MirroredDisks.GroupBy(d => d.Vdev, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"disk {g.Key} is to be copied twice"));
        problems.AddRange(offer.MirroredDisks.Where(d => !vdevs.Contains(d.Vdev)).Select(d => $"disk {d.Vdev} to copy is not in the spec"));
        problems.AddRange(offer.MirroredDisks.Where(d => d.VirtualSize <= 0).Select(d => $"disk {d.Vdev} to copy has size {d.VirtualSize}"));
        problems.AddRange(offer.InlineDisks.Keys.Where(v => !vdevs.Contains(v)).Select(v => $"disk {v} sent whole is not in the spec"));
        problems.AddRange(offer.MirroredDisks.Where(d => offer.InlineDisks.ContainsKey(d.Vdev)).Select(d => $"disk {d.Vdev} is both to be copied and sent whole"));
        problems.AddRange(MigratedBootFiles.Problems(offer));
        return problems.Count == 0 ? null : HospesError.Invalid($"the offer of {offer.Spec.Name} from {offer.SourceHost} is malformed: {string.Join("; ", problems)}; update Hospes on {offer.SourceHost}") with { Details = problems };
    }

    /// <summary>
    /// Drops an incoming migration (its QEMU, its row, the disks made for it) unless its switch-over has begun: then
    /// the guest may run here already, and the answer says so (Conflict) so that the source does not run it too.
    /// </summary>
    public Task<Result<bool>> AbortAsync(string id, string why)
    {
        if (!_incoming.TryGetValue(id, out IncomingMigration? m))
        {
            return Task.FromResult<Result<bool>>(HospesError.NotFound($"no incoming migration {id} here (it was dropped, or it finished and the guest runs here)"));
        }

        if (!m.TryBeginAbort())
        {
            return Task.FromResult<Result<bool>>(HospesError.Conflict($"incoming migration {id} is past its switch-over: {m.Actor.Record.Name} may run here; not dropped"));
        }

        return DropAsync(id, why);
    }

    private async Task<Result<bool>> DropAsync(string id, string why)
    {
        if (!_incoming.TryRemove(id, out IncomingMigration? m))
        {
            return HospesError.NotFound($"no incoming migration {id} here");
        }

        LogIncomingAborted(_log, m.Actor.Record.Name, m.FromPeer, why);
        await m.Actor.RunAsync(m.Qemu.Abort()).ConfigureAwait(false);
        await _ports.CloseAsync(id).ConfigureAwait(false);
        await _vms.ForgetAsync(m.Actor, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A destination must not depend on the source to clean up: a stream that fails, a QEMU that dies, a source
    /// that never sends or never finishes all end the incoming VM here.
    /// </summary>
    private async Task WatchAsync(IncomingMigration m)
    {
        DateTimeOffset? completedAt = null;
        try
        {
            while (_incoming.ContainsKey(m.Id))
            {
                await Task.Delay(WatchEvery, _time, _stopping.Token).ConfigureAwait(false);
                if (!_incoming.ContainsKey(m.Id))
                {
                    return;
                }

                MigrationStatus? s = await IncomingQemu.StatusAsync(m.Actor).ConfigureAwait(false);
                DateTimeOffset now = _time.GetUtcNow();
                string? why = s switch
                {
                    null => "its QEMU is gone",
                    { IsFailed: true } => $"the stream from {m.FromPeer} failed: {s.Error ?? s.Status}",
                    { Status: "setup" or "none" } when now - m.PreparedAt > SilentLimit => $"{m.FromPeer} sent nothing for {SilentLimit.TotalSeconds:0} s",
                    { IsCompleted: true } when (completedAt ??= now) < now - UnfinishedLimit => $"{m.FromPeer} did not finish the migration within {UnfinishedLimit.TotalSeconds:0} s of the stream's end (the guest continues there)",
                    _ => null,
                };
                if (why is not null)
                {
                    await AbortAsync(m.Id, why).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (IncomingMigration m in _incoming.Values)
        {
            await AbortAsync(m.Id, "hospesd is stopping").ConfigureAwait(false);
        }

        // One past its switch-over is not dropped; its rule goes with hospesd (the next start clears it anyway).
        await _ports.ClearAsync(CancellationToken.None).ConfigureAwait(false);
        _ports.Dispose();

        _stopping.Dispose();
    }
}
