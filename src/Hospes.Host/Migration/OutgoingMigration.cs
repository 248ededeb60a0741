using System.Diagnostics;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>
/// Sends a VM to <see cref="MigrationPlan.Target"/>, in the VM's queue, so nothing else happens to it meanwhile. Until
/// the destination confirms the guest runs there, any failure leaves the guest running here (the reverter undoes
/// each step); after that, this QEMU ends and the caller forgets the VM.
/// </summary>
internal sealed class OutgoingMigration(MigrationPlan plan, MigrationOfferBuilder offers, ILogger log) : VmCommand<MigrationSummary>
{
    public override VmAction Action => VmAction.Migrate;

    /// <summary>An address as QEMU's tcp: URIs want it (IPv6 in brackets).</summary>
    public static string UriHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;

    protected override async Task<Result<MigrationSummary>> RunAsync(VmSession vm, CancellationToken ct)
    {
        VmRecord r = vm.Record;
        var clock = Stopwatch.StartNew();
        IQmp qmp = vm.Qmp!;
        bool running = r.State == VmState.Running;
        string accel = r.Accel ?? "tcg";
        bool paused = plan.Offline || !MigrationDefaults.DirtyTrackingSound(qmp.QemuVersion, accel);
        string? note = !plan.Offline && paused
            ? $"QEMU {qmp.QemuVersion} cannot track the memory a running {accel} guest writes; the guest was paused while its memory was copied"
            : null;

        if (await HotplugGuard.RefuseAsync(r, qmp, "migrated", ct).ConfigureAwait(false) is { } plugged)
        {
            return plugged;
        }

        Result<MigrationOffer> offer = await offers.BuildAsync(r, plan, qmp, running).ConfigureAwait(false);
        if (!offer.IsOk)
        {
            return offer.Error;
        }

        // The stream and the disk copies go over TLS; the destination learns this side's CA with the offer.
        MigrationTls? tls = plan.DryRun ? null : MigrationTls.Create(vm.Time.GetUtcNow());
        offer = offer.Value with { Tls = tls?.Public };

        // Not cut off by a cancel: a prepare the destination completes unseen is dropped there only minutes later. A
        // cancel during it takes effect once its answer is in (the destination is told to drop what it made).
        Result<MigrationPrepared> prepared = await plan.Target.PrepareAsync(offer.Value, CancellationToken.None).ConfigureAwait(false);
        if (!prepared.IsOk)
        {
            return prepared.Error with { Message = $"{plan.Target.Name} cannot take {r.Name}: {prepared.Error.Message}" };
        }

        MigrationPrepared p = prepared.Value;
        foreach (MigrationCheck c in p.Checks)
        {
            await plan.Emit(new MigrationEvent { Event = "check", Message = $"{(c.Ok ? "ok" : "FAILED")} {c.Name}: {c.Message}", ElapsedMs = clock.ElapsedMilliseconds, Checks = [c] }).ConfigureAwait(false);
        }

        if (p.Checks.Any(c => !c.Ok))
        {
            return new HospesError(ErrorCode.InvalidState, $"cannot migrate {r.Name} to {plan.Target.Name}: {string.Join("; ", p.Checks.Where(c => !c.Ok).Select(c => $"{c.Name}: {c.Message}"))}")
            { Details = [.. p.Checks.Where(c => !c.Ok).Select(c => c.Name)] };
        }

        if (plan.DryRun || p.Id is not { } id || tls is null)
        {
            return new MigrationSummary { Vm = r.Name, From = plan.SourceHost, To = plan.Target.Name, Mode = "dry-run", TotalMs = clock.ElapsedMilliseconds, Note = note };
        }

        await using var revert = new Reverter();
        bool stoppedHere = false;

        // Once the finish is sent the destination may continue the guest; unless it answers that it did not (or
        // confirms it dropped it), the guest must not run here too: it stays paused and the user is told why. The
        // journal stays with it, so a restarted hospesd asks the destination again before it decides anything.
        bool finishSent = false, droppedThere = false;
        new MigrationJournal { Direction = MigrationJournal.Outgoing, Peer = plan.Target.Name, Id = id, Running = running }.Write(vm.MigrationJournal);
        revert.Add(async () =>
        {
            if (finishSent && !droppedThere)
            {
                vm.Commit(vm.Record with { State = VmState.Paused, LastError = MaybeThere(r.Name) });
                return;
            }

            MigrationJournal.Delete(vm.MigrationJournal);

            // Whatever else happened, a guest that ran before runs again here.
            if (vm.Qmp is { } q && (running || stoppedHere) && await q.QueryStatusAsync().ConfigureAwait(false) is QemuRunState.Paused or QemuRunState.PostMigrate)
            {
                await q.ContAsync().ConfigureAwait(false);
            }
        });
        revert.Add(async () => droppedThere |= (await plan.Target.AbortAsync(id, CancellationToken.None).ConfigureAwait(false)).IsOk);

        QemuSignals signals = vm.Signals;
        signals.LastStopAt = null;
        signals.LastMigratedAt = null;
        var watch = new StreamWatch(plan, qmp, signals, vm.Time);
        var mirror = new DiskMirror(plan, qmp, vm.Time);
        try
        {
            plan.Cancel.ThrowIfCancellationRequested();
            Result<MigrationTlsPeer> destination = MigrationTlsPeer.Check(p.Tls, plan.Target.Name);
            if (!destination.IsOk)
            {
                return destination.Error;
            }

            string creds = QemuNames.MigrationTls(id);
            await UseTlsAsync(vm, qmp, creds, tls, destination.Value, revert).ConfigureAwait(false);
            IReadOnlyList<string> jobs = await mirror.StartAsync(r.Spec, p, offer.Value, creds, destination.Value.Name, revert, clock).ConfigureAwait(false);
            await qmp.SetCapabilitiesAsync(
                new Dictionary<string, bool>
                {
                    ["events"] = true,
                    ["auto-converge"] = !paused && !plan.QemuDefaults,
                    ["postcopy-ram"] = plan.Postcopy && !paused,
                },
                ct).ConfigureAwait(false);

            // The switch-over's own path (request, endpoint, the destination's queue) runs once now, so nothing
            // on it is cold while the guest is stopped; its time is taken from QEMU's share of the downtime target.
            var probe = Stopwatch.StartNew();
            _ = await plan.Target.FinishAsync(id, running, postcopy: false, probe: true, CancellationToken.None).ConfigureAwait(false);
            probe.Stop();
            if (!plan.QemuDefaults)
            {
                await qmp.SetParametersAsync(
                    new JsonObject
                    {
                        ["max-bandwidth"] = MigrationDefaults.BandwidthBytesPerSecond,
                        ["downtime-limit"] = paused ? 300 : MigrationDefaults.QemuDowntimeLimitMs(plan.DowntimeMs, probe.Elapsed),
                    },
                    ct).ConfigureAwait(false);
            }

            if (paused && running)
            {
                await qmp.StopAsync(ct).ConfigureAwait(false);
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
            await qmp.MigrateAsync($"tcp:{UriHost(plan.Target.StreamHost)}:{p.MigratePort}", ct).ConfigureAwait(false);
            Result<MigrationStatus> streamed = await watch.WatchAsync(r.Name, paused, clock).ConfigureAwait(false);
            if (!streamed.IsOk)
            {
                return streamed.Error;
            }

            MigrationStatus done = streamed.Value;
            DateTimeOffset seen = vm.Time.GetUtcNow();
            bool postcopy = done.IsPostcopy || watch.PostcopyStarted;

            // The guest is stopped here now (postmigrate): end the mirrors, which flushes the last writes to the destination.
            // Everything from here to the destination's continue is the guest's downtime: nothing else goes first.
            await mirror.CompleteAsync(jobs).ConfigureAwait(false);

            DateTimeOffset sent = vm.Time.GetUtcNow();
            finishSent = true;
            Result<MigrationFinished> finished = await plan.Target.FinishAsync(id, running, postcopy, probe: false, CancellationToken.None).ConfigureAwait(false);
            DateTimeOffset answered = vm.Time.GetUtcNow();
            await plan.Emit(StreamWatch.Progress(done, clock)).ConfigureAwait(false);
            if (!finished.IsOk)
            {
                // An answer, even a failure, means the destination did not continue the guest and keeps nothing; a
                // request that never reached it cannot have continued it either. No answer: only its confirmed drop
                // lets the guest continue here.
                droppedThere = finished.Error is not NoAnswer
                    || (await plan.Target.AbortAsync(id, CancellationToken.None).ConfigureAwait(false)).IsOk;
                if (postcopy)
                {
                    // Post-copy moved part of the guest's memory already: it cannot continue here.
                    revert.Commit();
                    return await LoseAsync(vm, $"post-copy migration to {plan.Target.Name} failed after the switch-over: {finished.Error.Message}").ConfigureAwait(false);
                }

                return droppedThere
                    ? finished.Error is NotDelivered
                        ? finished.Error with { Message = $"the switch-over never reached {plan.Target.Name} ({finished.Error.Message}); {r.Name} continues here" }
                        : finished.Error with { Message = $"{plan.Target.Name} could not continue {r.Name}: {finished.Error.Message}; it continues here" }
                    : finished.Error with { Message = $"{plan.Target.Name} did not answer the switch-over ({finished.Error.Message}). {MaybeThere(r.Name)}" };
            }

            // Confirmed: the guest is the destination's. This QEMU goes (after post-copy sent the rest); the caller forgets the VM.
            revert.Commit();
            await plan.Emit(new MigrationEvent { Event = "switchover", Message = $"{plan.Target.Name} continues the guest", ElapsedMs = clock.ElapsedMilliseconds }).ConfigureAwait(false);
            done = await watch.FinishPostcopyAsync(done).ConfigureAwait(false);
            if (done.IsFailed)
            {
                return await LoseAsync(vm, $"post-copy to {plan.Target.Name} broke off: {done.Error ?? done.Status}").ConfigureAwait(false);
            }

            if (running && signals.LastStopAt is { } stopped && finished.Value is { ReceivedAt: { } received, StreamCompleteAt: { } complete, ResumedAt: { } continued })
            {
                double[] ms = [.. new[] { signals.LastMigratedAt ?? stopped.AddMilliseconds(-1), seen, sent, received, complete, continued, answered }.Select(t => Math.Round((t - stopped).TotalMilliseconds, 1))];
                MigrationLog.Switchover(log, r.Name, plan.Target.Name, ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6]);
            }

            long total = clock.ElapsedMilliseconds;
            long? downtime = running && signals.LastStopAt is { } stop && finished.Value.ResumedAt is { } resumed
                ? Math.Max(0, (long)(resumed - stop).TotalMilliseconds)
                : null;
            await vm.StopQemuAsync().ConfigureAwait(false);
            vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Shutoff) with { LastError = $"migrated to {plan.Target.Name}" });

            // In this step of the queue: a start that waited behind the migration must not boot the guest here too.
            vm.End(VmPresence.Migrated, plan.Target.Name);
            MigrationLog.Migrated(log, r.Name, plan.Target.Name, total, downtime ?? -1, done.TransferredBytes);
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
                DiskBytes = mirror.CopiedBytes,
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
            return new HospesError(ErrorCode.Internal, $"migrating {r.Name} to {plan.Target.Name} failed: {e.Message}; {(vm.Qmp is null ? "its QEMU is gone" : "it continues here")}");
        }
    }

    /// <summary>
    /// The stream and the disk copies go over TLS: this side's certificate as client, the destination's QEMU accepted
    /// only with a certificate its CA signed for its name. Undone (the key off the disk too) unless the QEMU goes.
    /// </summary>
    private static async Task UseTlsAsync(VmSession vm, IQmp qmp, string creds, MigrationTls tls, MigrationTlsPeer destination, Core.Operations.Reverter revert)
    {
        string dir = vm.MigrationTlsDir;
        revert.Add(() => MigrationTls.Delete(dir));
        tls.WriteCredentials(dir, destination, server: false, vm.Record.QemuUid);
        await qmp.AddTlsCredentialsAsync(creds, dir, server: false).ConfigureAwait(false);
        revert.Add(async () =>
        {
            if (vm.Qmp is { } q)
            {
                await q.SetParametersAsync(new JsonObject { ["tls-creds"] = "", ["tls-hostname"] = "" }).ConfigureAwait(false);
                await q.ObjectDelAsync(creds).ConfigureAwait(false);
            }
        });
        await qmp.SetParametersAsync(new JsonObject { ["tls-creds"] = creds, ["tls-hostname"] = destination.Name }).ConfigureAwait(false);
    }

    /// <summary>Post-copy moved part of the guest's memory: it cannot continue here, and it did not arrive there.</summary>
    private static async Task<Result<MigrationSummary>> LoseAsync(VmSession vm, string why)
    {
        await vm.StopQemuAsync().ConfigureAwait(false);
        vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Crashed, why));
        return new HospesError(ErrorCode.Internal, why + "; the guest is lost (its disks are intact)");
    }

    private string MaybeThere(string vm) =>
        $"{plan.Target.Name} may be running {vm} now, so it stays paused here and never runs twice: if `hospes list` on {plan.Target.Name} does not show it running, `hospes unpause {vm}` here";
}
