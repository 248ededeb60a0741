using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Edge;
using Hospes.Host.Machine;
using Hospes.Host.Migration;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

/// <summary>The source side of a migration; the destination side is in VmActor.Incoming.cs.</summary>
internal sealed partial class VmActor
{
    private static readonly TimeSpan ProgressPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>When this VM's QEMU last reported STOP (QEMU's own event time): the start of a switch-over's pause.</summary>
    private DateTimeOffset? _lastStopAt;

    /// <summary>When this QEMU last reported its outgoing stream completed (QEMU's event time).</summary>
    private DateTimeOffset? _lastMigratedAt;

    /// <summary>Completed at each MIGRATION event (with the events capability): the stream's end is seen at once, not at the next poll.</summary>
    private TaskCompletionSource _migrationChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Sends the guest to <see cref="MigrationPlan.Target"/>. Runs inside the queue, so nothing else happens to the
    /// VM meanwhile. Until the destination confirms the guest runs there, any failure leaves the guest running here
    /// (the reverter undoes each step); after that, this QEMU ends and the caller forgets the VM.
    /// </summary>
    public Task<Result<MigrationSummary>> MigrateOutAsync(MigrationPlan plan) => EnqueueAsync(() => MigrateOutCoreAsync(plan));

    private async Task<Result<MigrationSummary>> MigrateOutCoreAsync(MigrationPlan plan)
    {
        VmRecord r = Record;
        if (r.State is not (VmState.Running or VmState.Paused) || _qemu is null)
        {
            return r.State is VmState.Shutoff or VmState.Saved or VmState.Crashed
                ? HospesError.State($"cannot migrate {r.Name}: it is {r.State.ToString().ToLowerInvariant()}; migrate moves a running guest (as xl migrate does): start it first, or copy its config and disks to the other host")
                : NotAllowed("migrate");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        QmpConnection qmp = _qemu.Qmp;
        bool running = r.State == VmState.Running;
        string accel = r.Accel ?? "tcg";
        bool paused = plan.Offline || !MigrationDefaults.DirtyTrackingSound(qmp.QemuVersion, accel);
        string? note = !plan.Offline && paused
            ? $"QEMU {qmp.QemuVersion} cannot track the memory a running {accel} guest writes; the guest was paused while its memory was copied"
            : null;

        Result<MigrationOffer> offer = await OfferAsync(plan, qmp, running).ConfigureAwait(false);
        if (!offer.IsOk)
        {
            return offer.Error;
        }

        Result<MigrationPrepared> prepared = await plan.Target.PrepareAsync(offer.Value, plan.Cancel).ConfigureAwait(false);
        if (!prepared.IsOk)
        {
            return prepared.Error with { Message = $"{plan.Target.Name} cannot take {r.Name}: {prepared.Error.Message}" };
        }

        MigrationPrepared p = prepared.Value;
        foreach (MigrationCheck c in p.Checks)
        {
            await plan.Emit(new MigrationEvent { Event = "check", Message = $"{(c.Ok ? "ok" : "FAILED")} {c.Name}: {c.Message}", ElapsedMs = clock.ElapsedMilliseconds, Checks = [c] }).ConfigureAwait(false);
        }

        if (p.Checks.FirstOrDefault(c => !c.Ok) is { } failed)
        {
            return new HospesError(ErrorCode.InvalidState, $"cannot migrate {r.Name} to {plan.Target.Name}: {string.Join("; ", p.Checks.Where(c => !c.Ok).Select(c => $"{c.Name}: {c.Message}"))}")
            { Details = [.. p.Checks.Where(c => !c.Ok).Select(c => c.Name)] };
        }

        if (plan.DryRun || p.Id is not { } id)
        {
            return new MigrationSummary { Vm = r.Name, From = plan.SourceHost, To = plan.Target.Name, Mode = "dry-run", TotalMs = clock.ElapsedMilliseconds, Note = note };
        }

        await using var revert = new Reverter();
        bool stoppedHere = false;

        // Once the finish is sent the destination may continue the guest; unless it answers that it did not (or
        // confirms it dropped it), the guest must not run here too: it stays paused and the user is told why.
        bool finishSent = false, droppedThere = false;
        revert.Add(async () =>
        {
            if (finishSent && !droppedThere)
            {
                Commit(Record with { State = VmState.Paused, LastError = MaybeThere(plan, r.Name) });
                return;
            }

            // Whatever else happened, a guest that ran before runs again here.
            if (_qemu is { } q && (running || stoppedHere) && await q.Qmp.QueryStatusAsync().ConfigureAwait(false) is QemuRunState.Paused or QemuRunState.PostMigrate)
            {
                await q.Qmp.ContAsync().ConfigureAwait(false);
            }
        });
        revert.Add(async () => droppedThere |= (await plan.Target.AbortAsync(id, CancellationToken.None).ConfigureAwait(false)).IsOk);

        _lastStopAt = null;
        _lastMigratedAt = null;
        try
        {
            IReadOnlyList<string> jobs = await MirrorDisksAsync(plan, p, offer.Value, qmp, revert, clock).ConfigureAwait(false);
            await qmp.SetCapabilitiesAsync(new Dictionary<string, bool>
            {
                ["events"] = true,
                ["auto-converge"] = !paused && !plan.QemuDefaults,
                ["postcopy-ram"] = plan.Postcopy && !paused,
            }).ConfigureAwait(false);
            // The switch-over's own path (request, endpoint, the destination's queue) runs once now, so nothing
            // on it is cold while the guest is stopped; its time is taken from QEMU's share of the downtime target.
            var probe = System.Diagnostics.Stopwatch.StartNew();
            _ = await plan.Target.FinishAsync(id, running, postcopy: false, probe: true, CancellationToken.None).ConfigureAwait(false);
            probe.Stop();
            if (!plan.QemuDefaults)
            {
                await qmp.SetParametersAsync(new JsonObject
                {
                    ["max-bandwidth"] = MigrationDefaults.BandwidthBytesPerSecond,
                    ["downtime-limit"] = paused ? 300 : MigrationDefaults.QemuDowntimeLimitMs(plan.DowntimeMs, probe.Elapsed),
                }).ConfigureAwait(false);
            }

            if (paused && running)
            {
                await qmp.StopAsync().ConfigureAwait(false);
                stoppedHere = true;
            }

            revert.Add(async () =>
            {
                MigrationStatus s = await qmp.QueryMigrationAsync().ConfigureAwait(false);
                if (!s.IsCompleted && !s.IsFailed && s.Status != "none")
                {
                    await qmp.MigrateCancelAsync().ConfigureAwait(false);
                }
            });
            await qmp.MigrateAsync($"tcp:{UriHost(plan.Target.StreamHost)}:{p.MigratePort}").ConfigureAwait(false);
            Result<MigrationStatus> streamed = await WatchStreamAsync(plan, qmp, paused, clock).ConfigureAwait(false);
            if (!streamed.IsOk)
            {
                return streamed.Error;
            }

            MigrationStatus done = streamed.Value;
            DateTimeOffset seen = _ctx.Time.GetUtcNow();
            bool postcopy = done.IsPostcopy || _postcopyStarted;

            // The guest is stopped here now (postmigrate): end the mirrors, which flushes the last writes to the destination.
            // Everything from here to the destination's continue is the guest's downtime: nothing else goes first.
            if (jobs.Count > 0)
            {
                foreach (string job in jobs)
                {
                    await qmp.BlockJobCancelAsync(job).ConfigureAwait(false);
                }

                await WaitForJobsGoneAsync(qmp, jobs, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }

            DateTimeOffset sent = _ctx.Time.GetUtcNow();
            finishSent = true;
            Result<MigrationFinished> finished = await plan.Target.FinishAsync(id, running, postcopy, probe: false, CancellationToken.None).ConfigureAwait(false);
            DateTimeOffset answered = _ctx.Time.GetUtcNow();
            await plan.Emit(Progress(done, clock)).ConfigureAwait(false);
            if (!finished.IsOk)
            {
                // An answer, even a failure, means the destination did not continue the guest and keeps nothing.
                // No answer: only its confirmed drop lets the guest continue here.
                droppedThere = !finished.Error.Details.Contains(IMigrationTarget.NoAnswer)
                    || (await plan.Target.AbortAsync(id, CancellationToken.None).ConfigureAwait(false)).IsOk;
                if (postcopy)
                {
                    // Post-copy moved part of the guest's memory already: it cannot continue here.
                    revert.Commit();
                    await StopQemuAsync().ConfigureAwait(false);
                    string why = $"post-copy migration to {plan.Target.Name} failed after the switch-over: {finished.Error.Message}";
                    Commit(Stopped(Record, VmState.Crashed, why));
                    return new HospesError(ErrorCode.Internal, why + "; the guest is lost (its disks are intact)");
                }

                return droppedThere
                    ? finished.Error with { Message = $"{plan.Target.Name} could not continue {r.Name}: {finished.Error.Message}; it continues here" }
                    : finished.Error with { Message = $"{plan.Target.Name} did not answer the switch-over ({finished.Error.Message}). {MaybeThere(plan, r.Name)}" };
            }

            // Confirmed: the guest is the destination's. This QEMU goes (after post-copy sent the rest); the caller forgets the VM.
            revert.Commit();
            await plan.Emit(new MigrationEvent { Event = "switchover", Message = $"{plan.Target.Name} continues the guest", ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
            while (!done.IsCompleted)
            {
                await Task.Delay(ProgressPoll, _ctx.Time).ConfigureAwait(false);
                done = await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
                if (done.IsFailed)
                {
                    await StopQemuAsync().ConfigureAwait(false);
                    string why = $"post-copy to {plan.Target.Name} broke off: {done.Error ?? done.Status}";
                    Commit(Stopped(Record, VmState.Crashed, why));
                    return new HospesError(ErrorCode.Internal, why + "; the guest is lost (its disks are intact)");
                }
            }

            if (running && _lastStopAt is { } stopped && finished.Value is { ReceivedAt: { } received, StreamCompleteAt: { } complete, ResumedAt: { } continued })
            {
                double[] ms = [.. new[] { _lastMigratedAt ?? stopped.AddMilliseconds(-1), seen, sent, received, complete, continued, answered }.Select(t => Math.Round((t - stopped).TotalMilliseconds, 1))];
                LogSwitchover(r.Name, plan.Target.Name, ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6]);
            }

            long total = clock.ElapsedMilliseconds;
            long? downtime = running && _lastStopAt is { } stop && finished.Value.ResumedAt is { } resumed
                ? Math.Max(0, (long)(resumed - stop).TotalMilliseconds)
                : null;
            await StopQemuAsync().ConfigureAwait(false);
            Commit(Stopped(Record, VmState.Shutoff) with { LastError = $"migrated to {plan.Target.Name}" });
            LogMigrated(r.Name, plan.Target.Name, total, downtime ?? -1, done.TransferredBytes);
            return new MigrationSummary
            {
                Vm = r.Name,
                From = plan.SourceHost,
                To = plan.Target.Name,
                Mode = paused ? "paused" : postcopy ? "postcopy" : "live",
                TotalMs = total,
                DowntimeMs = downtime,
                QemuDowntimeMs = done.DowntimeMs,
                TransferredBytes = done.TransferredBytes,
                DiskBytes = _mirroredBytes,
                Passes = done.Passes,
                Note = note,
            };
        }
        catch (OperationCanceledException) when (plan.Cancel.IsCancellationRequested)
        {
            return HospesError.State($"migration of {r.Name} to {plan.Target.Name} cancelled; it continues here");
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or HttpRequestException)
        {
            return new HospesError(ErrorCode.Internal, $"migrating {r.Name} to {plan.Target.Name} failed: {e.Message}; {(_qemu is null ? "its QEMU is gone" : "it continues here")}");
        }
        finally
        {
            _postcopyStarted = false;
            _mirroredBytes = 0;
        }
    }

    private bool _postcopyStarted;
    private long _mirroredBytes;

    /// <summary>What the destination needs to know: the spec, RAM, QEMU, and which disks it must make.</summary>
    private async Task<Result<MigrationOffer>> OfferAsync(MigrationPlan plan, QmpConnection qmp, bool running)
    {
        VmRecord r = Record;
        string stateDir = Path.GetFullPath(_ctx.Options.StateDir) + "/";
        var local = r.Spec.Disks.Where(d => d.Target.Length > 0 && Path.GetFullPath(d.Target).StartsWith(stateDir, StringComparison.Ordinal)).ToList();
        if (local.Count > 0 && !plan.CopyStorage)
        {
            return HospesError.State($"cannot migrate {r.Name} without --copy-storage: {string.Join(", ", local.Select(d => $"{d.Vdev} ({d.Target})"))} {(local.Count == 1 ? "is" : "are")} on this host's own storage; add --copy-storage to copy {(local.Count == 1 ? "it" : "them")}, or put the disks on storage both hosts see");
        }

        var sizes = await NodeSizesAsync(qmp).ConfigureAwait(false);
        var mirrored = new List<MigratedDisk>();
        var inline = new Dictionary<string, string>();
        foreach (DiskSpec d in local)
        {
            if (!d.ReadOnly)
            {
                string node = $"drive{IndexOf(r.Spec, d)}";
                mirrored.Add(new MigratedDisk(d.Vdev, sizes.GetValueOrDefault(node)));
                continue;
            }

            long length = new FileInfo(d.Target).Length;
            if (length > MigrationDefaults.InlineDiskLimitBytes)
            {
                return HospesError.State($"cannot migrate {r.Name}: read-only disk {d.Vdev} ({d.Target}, {length >> 20} MiB) is on this host's storage and too large to send with the VM; put it where both hosts see it");
            }

            inline[d.Vdev] = Convert.ToBase64String(await File.ReadAllBytesAsync(d.Target).ConfigureAwait(false));
        }

        return new MigrationOffer
        {
            Spec = WireSpec.ToWire(r.Spec),
            RamMib = Memory.BootedMib ?? Math.Max(r.Spec.MemoryMib, r.Spec.MaxMemoryMib),
            Running = running,
            SourceHost = plan.SourceHost,
            QemuVersion = qmp.QemuVersion.ToString(),
            Accel = r.Accel ?? "tcg",
            CpuModel = HostMachine.CpuModel(),
            MirroredDisks = mirrored,
            InlineDisks = inline,
            Postcopy = plan.Postcopy,
            DryRun = plan.DryRun,
        };
    }

    /// <summary>Starts one mirror per disk the destination exports and waits until every one is in step.</summary>
    private async Task<IReadOnlyList<string>> MirrorDisksAsync(MigrationPlan plan, MigrationPrepared p, MigrationOffer offer, QmpConnection qmp, Reverter revert, System.Diagnostics.Stopwatch clock)
    {
        if (offer.MirroredDisks.Count == 0)
        {
            return [];
        }

        if (p.NbdPort is not { } port)
        {
            throw new QmpException("nbd", "", $"{plan.Target.Name} did not export the disks to copy");
        }

        var jobs = new List<string>();
        foreach (MigratedDisk disk in offer.MirroredDisks)
        {
            string node = $"drive{IndexOf(Record.Spec, Record.Spec.Disks.First(d => d.Vdev == disk.Vdev))}";
            string target = "mig-" + node;
            await qmp.AddNbdTargetAsync(target, UriHost(plan.Target.StreamHost).Trim('[', ']'), port, p.Exports[disk.Vdev]).ConfigureAwait(false);
            revert.Add(() => qmp.BlockdevDelAsync(target));
            await qmp.MirrorAsync(target, node, target).ConfigureAwait(false);
            jobs.Add(target);
            revert.Add(async () =>
            {
                if ((await qmp.QueryBlockJobsAsync().ConfigureAwait(false)).Any(j => j.Id == target))
                {
                    await qmp.BlockJobCancelAsync(target, force: true).ConfigureAwait(false);
                    await WaitForJobsGoneAsync(qmp, [target], TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                }
            });
        }

        DateTimeOffset lastEmit = DateTimeOffset.MinValue;
        while (true)
        {
            plan.Cancel.ThrowIfCancellationRequested();
            IReadOnlyList<BlockJob> all = await qmp.QueryBlockJobsAsync(logged: false).ConfigureAwait(false);
            var ours = all.Where(j => jobs.Contains(j.Id)).ToList();
            if (ours.Count < jobs.Count || ours.FirstOrDefault(j => j.Error is not null) is { } broken)
            {
                throw new QmpException("blockdev-mirror", "", $"copying the disks to {plan.Target.Name} stopped{(ours.FirstOrDefault(j => j.Error is not null) is { } b ? ": " + b.Error : "")}");
            }

            _mirroredBytes = ours.Sum(j => j.Offset);
            if (ours.All(j => j.Ready))
            {
                await plan.Emit(new MigrationEvent { Event = "storage", Message = "disks in step", DiskCopiedBytes = _mirroredBytes, DiskTotalBytes = ours.Sum(j => j.Length), ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
                return jobs;
            }

            if (_ctx.Time.GetUtcNow() - lastEmit >= ProgressEvery)
            {
                lastEmit = _ctx.Time.GetUtcNow();
                await plan.Emit(new MigrationEvent { Event = "storage", DiskCopiedBytes = _mirroredBytes, DiskTotalBytes = ours.Sum(j => j.Length), ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _ctx.Time).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows the stream to its end: progress out, cancel in, post-copy when asked and pre-copy lags, and a clean
    /// failure with the reason when it cannot converge.
    /// </summary>
    private async Task<Result<MigrationStatus>> WatchStreamAsync(MigrationPlan plan, QmpConnection qmp, bool paused, System.Diagnostics.Stopwatch clock)
    {
        DateTimeOffset started = _ctx.Time.GetUtcNow();
        DateTimeOffset lastEmit = DateTimeOffset.MinValue;
        MigrationStatus s;
        while (true)
        {
            Task changed = Volatile.Read(ref _migrationChanged).Task;
            s = await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
            if (s.IsCompleted || s.IsPostcopy)
            {
                return s; // its progress line goes out after the switch-over, which is the guest's downtime
            }

            if (s.IsFailed)
            {
                return new HospesError(ErrorCode.Internal, $"the stream to {plan.Target.Name} failed: {s.Error ?? s.Status}; {Record.Name} continues here");
            }

            TimeSpan elapsed = _ctx.Time.GetUtcNow() - started;
            if (plan.Cancel.IsCancellationRequested && !s.IsPostcopy)
            {
                return HospesError.State($"migration of {Record.Name} to {plan.Target.Name} cancelled; it continues here");
            }

            if (!paused && !s.IsPostcopy && s.Status == "active")
            {
                if (plan.Postcopy && !_postcopyStarted && elapsed >= MigrationDefaults.PostcopyAfter)
                {
                    await qmp.StartPostcopyAsync().ConfigureAwait(false);
                    _postcopyStarted = true;
                    await plan.Emit(new MigrationEvent { Event = "postcopy", Message = $"pre-copy did not converge in {elapsed.TotalSeconds:0.#} s; the guest continues on {plan.Target.Name} and pulls the rest", ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
                }
                else if (!plan.Postcopy && elapsed >= plan.ConvergeTimeout)
                {
                    return new HospesError(ErrorCode.Timeout, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"migration of {Record.Name} to {plan.Target.Name} did not converge in {plan.ConvergeTimeout.TotalSeconds:0} s: the guest dirties {s.DirtyBytesPerSecond >> 20} MiB/s, the link carries {s.Mbps / 8:0} MB/s, expected downtime {s.ExpectedDowntimeMs ?? 0} ms against a limit of {(plan.QemuDefaults ? "QEMU's 300" : plan.DowntimeMs)} ms (pass {s.Passes}, cpu throttled {s.ThrottlePercent} %); it continues here. Try --downtime-ms with a higher limit, --postcopy, or --offline"));
                }
            }

            if (_ctx.Time.GetUtcNow() - lastEmit >= ProgressEvery)
            {
                lastEmit = _ctx.Time.GetUtcNow();
                await plan.Emit(Progress(s, clock)).ConfigureAwait(false);
            }

            await Task.WhenAny(changed, Task.Delay(ProgressPoll, _ctx.Time)).ConfigureAwait(false);
        }
    }

    private static string MaybeThere(MigrationPlan plan, string vm) =>
        $"{plan.Target.Name} may be running {vm} now, so it stays paused here and never runs twice: if `hospes list` on {plan.Target.Name} does not show it running, `hospes unpause {vm}` here";

    private static MigrationEvent Progress(MigrationStatus s, System.Diagnostics.Stopwatch clock) => new()
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

    private async Task WaitForJobsGoneAsync(QmpConnection qmp, IReadOnlyList<string> jobs, TimeSpan limit)
    {
        DateTimeOffset deadline = _ctx.Time.GetUtcNow() + limit;
        while ((await qmp.QueryBlockJobsAsync(logged: false).ConfigureAwait(false)).Any(j => jobs.Contains(j.Id)))
        {
            if (_ctx.Time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"the disk copies did not finish within {limit.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), _ctx.Time).ConfigureAwait(false);
        }
    }

    /// <summary>Virtual size of each named block node (query-named-block-nodes).</summary>
    private static async Task<Dictionary<string, long>> NodeSizesAsync(QmpConnection qmp)
    {
        JsonElement nodes = await qmp.ExecuteAsync("query-named-block-nodes", new JsonObject { ["flat"] = true }).ConfigureAwait(false);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonElement n in nodes.EnumerateArray())
        {
            if (n.TryGetProperty("node-name", out var name) && n.TryGetProperty("image", out var image) && image.TryGetProperty("virtual-size", out var size))
            {
                sizes[name.GetString() ?? ""] = size.GetInt64();
            }
        }

        return sizes;
    }

    private static int IndexOf(VmSpec spec, DiskSpec disk) => spec.Disks.ToList().FindIndex(d => d.Vdev == disk.Vdev);

    /// <summary>An address as QEMU's tcp: URIs want it (IPv6 in brackets).</summary>
    private static string UriHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
