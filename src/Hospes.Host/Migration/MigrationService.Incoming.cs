using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Edge;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Host.Vms;
using Hospes.Qemu.Host;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Migration;

internal sealed partial class MigrationService
{
    /// <summary>
    /// The destination's half of the handshake: every check (answered even when one fails, so the user fixes all
    /// in one go), then, unless it is a dry run, the VM's row, its disks and an incoming QEMU listening on
    /// <paramref name="listenHost"/>. A failure leaves none of it.
    /// </summary>
    public async Task<Result<MigrationPrepared>> PrepareAsync(MigrationOffer offer, string fromPeer, string listenHost, CancellationToken ct)
    {
        VmSpec spec = WireSpec.ToDomain(offer.Spec);
        var mirrored = offer.MirroredDisks.ToDictionary(d => d.Vdev, StringComparer.Ordinal);
        IReadOnlyList<MigrationCheck> checks = await CheckOfferAsync(offer, mirrored).ConfigureAwait(false);
        if (offer.DryRun || checks.Any(c => !c.Ok))
        {
            return new MigrationPrepared { Checks = checks };
        }

        string id = Guid.NewGuid().ToString("N")[..12];
        var layout = new StoreLayout(_ctx.Options);
        await using var revert = new Reverter();
        string vmDir = _ctx.VmDir(spec.Uuid);
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
                string path = layout.VmDiskPath(spec.Uuid, d.Vdev);
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
                    CreatedAt = _ctx.Time.GetUtcNow(),
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

        Result<VmActor> defined = await _vms.DefineIncomingAsync(spec with { Disks = disks }, volumes, revert, ct).ConfigureAwait(false);
        if (!defined.IsOk)
        {
            return defined.Error;
        }

        VmActor actor = defined.Value;
        revert.Add(() => actor.AbortIncomingAsync());
        Result<MigrationPrepared> ready = await actor.PrepareIncomingAsync(offer.RamMib, listenHost, offer.Postcopy, [.. mirrored.Keys]).ConfigureAwait(false);
        if (!ready.IsOk)
        {
            return ready.Error;
        }

        revert.Commit();
        var incoming = new IncomingMigration(id, actor, fromPeer, _ctx.Time.GetUtcNow(), offer.Postcopy);
        _incoming[id] = incoming;
        LogIncoming(spec.Name, fromPeer, id, ready.Value.MigratePort);
        _ = WatchAsync(incoming);
        return ready.Value with { Id = id, Checks = checks };
    }

    /// <summary>The source's stream is done: continue the guest here. On failure this host keeps nothing of it.</summary>
    public async Task<Result<MigrationFinished>> FinishAsync(string id, MigrationFinish request)
    {
        if (!_incoming.TryGetValue(id, out IncomingMigration? m))
        {
            return HospesError.NotFound($"no incoming migration {id} here (it failed or was aborted; see hospesd's log)");
        }

        DateTimeOffset received = _ctx.Time.GetUtcNow();
        if (!request.Probe && !m.TryBeginFinish())
        {
            return HospesError.State($"incoming migration {id} is being {(m.IsFinishing ? "finished" : "aborted")} already");
        }

        Result<MigrationFinished> finished = await m.Actor.FinishIncomingAsync(request.Run, request.Postcopy, request.Probe).ConfigureAwait(false);
        if (finished.IsOk)
        {
            finished = finished.Value with { ReceivedAt = received };
        }

        if (request.Probe)
        {
            return finished;
        }

        if (!finished.IsOk)
        {
            await DropAsync(id, finished.Error.Message).ConfigureAwait(false);
            return finished.Error;
        }

        _incoming.TryRemove(id, out _);
        LogArrived(m.Actor.Record.Name, m.FromPeer);
        return finished;
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

        LogIncomingAborted(m.Actor.Record.Name, m.FromPeer, why);
        await m.Actor.AbortIncomingAsync().ConfigureAwait(false);
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
                await Task.Delay(WatchEvery, _ctx.Time, _stopping.Token).ConfigureAwait(false);
                if (!_incoming.ContainsKey(m.Id))
                {
                    return;
                }

                MigrationStatus? s = await m.Actor.IncomingStatusAsync().ConfigureAwait(false);
                DateTimeOffset now = _ctx.Time.GetUtcNow();
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

    private async Task<IReadOnlyList<MigrationCheck>> CheckOfferAsync(MigrationOffer offer, IReadOnlyDictionary<string, MigratedDisk> mirrored)
    {
        VmSpec spec = WireSpec.ToDomain(offer.Spec);
        var checks = new List<MigrationCheck>();
        checks.Add(_vms.Clash(spec) is { } clash ? new("name", false, clash.Message) : new("name", true, $"no VM named {spec.Name} or with its uuid here"));

        Result<QemuBinary> qemu = await _ctx.Runtime.QemuAsync().ConfigureAwait(false);
        if (!qemu.IsOk)
        {
            checks.Add(new("qemu", false, qemu.Error.Message));
        }
        else
        {
            Version mine = qemu.Value.Version;
            bool same = Version.TryParse(offer.QemuVersion, out Version? theirs) && theirs.Major == mine.Major && theirs.Minor == mine.Minor;
            checks.Add(same
                ? new("qemu", true, $"QEMU {mine} here, {offer.QemuVersion} there")
                : new("qemu", false, $"the source runs QEMU {offer.QemuVersion}, this host {mine}: their machine types differ; install the same QEMU version on both hosts"));
        }

        Result<Accelerator> accel = await _ctx.Runtime.ResolveAsync(spec.Accel).ConfigureAwait(false);
        string accelHere = accel.IsOk ? accel.Value.ToString().ToLowerInvariant() : "none";
        checks.Add(accelHere == offer.Accel
            ? new("cpu", true, accelHere == "kvm" && offer.CpuModel != HostMachine.CpuModel()
                ? $"kvm on both, but CPU {HostMachine.CpuModel()} here and {offer.CpuModel} there"
                : $"{accelHere} on both{(accelHere == "kvm" ? $", CPU {HostMachine.CpuModel()}" : " (QEMU's max CPU model)")}")
            : new("cpu", false, $"the guest runs under {offer.Accel} there and would run under {accelHere} here{(accel.IsOk ? "" : $" ({accel.Error.Message})")}; a guest cannot change accelerator while it runs"));
        if (accelHere == "kvm" && offer.Accel == "kvm" && offer.CpuModel != HostMachine.CpuModel())
        {
            checks[^1] = new("cpu", false, $"kvm runs the guest with the host's CPU (-cpu host): {offer.CpuModel} there, {HostMachine.CpuModel()} here; migrate between hosts with the same CPU");
        }

        // Boot files (image:NAME is this host's image of that name) and shared disks: they must be here already.
        VmSpec needed = spec with { Disks = [.. spec.Disks.Where(d => !mirrored.ContainsKey(d.Vdev) && !offer.InlineDisks.ContainsKey(d.Vdev))] };
        Result<ResolvedVm> resolved = SpecResolver.Resolve(needed, _ctx.Images);
        checks.Add(resolved.IsOk
            ? new("storage", true, needed.Disks.Count == 0 ? "no shared disks to find" : $"{string.Join(", ", needed.Disks.Select(d => d.Vdev))} found at the same paths")
            : new("storage", false, resolved.Error.Message));
        if (mirrored.Count > 0)
        {
            long need = mirrored.Values.Sum(d => d.VirtualSize);
            long free = new DriveInfo(_ctx.Options.StateDir).AvailableFreeSpace;
            checks.Add(need <= free
                ? new("disk space", true, $"{need >> 20} MiB of disks to copy, {free >> 20} MiB free in {_ctx.Options.StateDir}")
                : new("disk space", false, $"{need >> 20} MiB of disks to copy but only {free >> 20} MiB free in {_ctx.Options.StateDir}; free space or use shared storage"));
        }

        var record = new VmRecord { Spec = spec, CreatedAt = _ctx.Time.GetUtcNow() };
        Result<MemoryReservation> admitted = _ctx.Memory.Admit(record, offer.RamMib);
        if (admitted.IsOk)
        {
            admitted.Value.Dispose();
            checks.Add(new("memory", true, $"{offer.RamMib} MiB admitted"));
        }
        else
        {
            checks.Add(new("memory", false, admitted.Error.Message));
        }

        Result<VmSpec> addressed = spec.Vifs.Count == 0 ? spec : _ctx.Networks.Assign(spec, [.. _vms.All.Select(a => a.Record.Spec)]);
        checks.Add(addressed.IsOk
            ? new("network", true, spec.Vifs.Count == 0 ? "no vifs" : string.Join(", ", spec.Vifs.Select(v => $"{v.Mac} {v.Ip ?? ""} on {v.Source ?? v.Bridge ?? "default"}".Replace("  ", " ", StringComparison.Ordinal))))
            : new("network", false, addressed.Error.Message));
        return checks;
    }
}
