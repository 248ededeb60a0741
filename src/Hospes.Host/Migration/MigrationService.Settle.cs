using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

internal sealed partial class MigrationService
{
    /// <summary>
    /// After a restart, before anyone can ask anything: every migration the previous run left in flight (a VM with a
    /// <see cref="MigrationJournal"/>) gets its outcome. An arriving VM whose guest does not run here is dropped (the
    /// source still has it, or continues it when it hears nothing); a leaving one continues here unless the
    /// destination may run it — then it stays paused and says so. Never may a guest run on both hosts, nor be lost
    /// from both.
    /// </summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        foreach (VmActor actor in _vms.All.ToList())
        {
            string path = actor.Layout.MigrationJournal(actor.Record.Uuid);
            if (!File.Exists(path))
            {
                continue;
            }

            if (MigrationJournal.Read(path) is not { } journal)
            {
                // Torn or unreadable: written before the step it guards, so that step never began. Nothing moved.
                MigrationJournal.Delete(path);
                continue;
            }

            if (journal.IsOutgoing)
            {
                Result<IMigrationTarget> target = _targets.Find(journal.Peer);
                Result<string> settled = await actor.RunAsync(new SettleOutgoing(journal, target.IsOk ? target.Value : null), ct).ConfigureAwait(false);
                LogSettled(_log, actor.Record.Name, journal.Peer, settled.IsOk ? settled.Value : settled.Error.Message);
            }
            else if (actor.Record.State == VmState.Running)
            {
                // The switch-over reached this host and the guest runs here: it only lost its journal's removal.
                MigrationJournal.Delete(path);
                LogSettled(_log, actor.Record.Name, journal.Peer, "arrived before hospesd stopped; it runs here");
            }
            else
            {
                // Half-received (or received and never continued): the source still holds the guest.
                _ = await actor.RunAsync(new DropArrival(), ct).ConfigureAwait(false);
                await _vms.ForgetAsync(actor, ct).ConfigureAwait(false);
                LogSettled(_log, actor.Record.Name, journal.Peer, $"dropped: it had not arrived when hospesd stopped (it stays on {journal.Peer})");
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.MigrationSettled, Level = LogLevel.Warning, Message = "{Name}: migration with {Peer} cut off by hospesd's restart: {Outcome}")]
    private static partial void LogSettled(ILogger log, string name, string peer, string outcome);

    /// <summary>Ends an arriving VM's QEMU and its TLS key; the caller forgets the VM.</summary>
    private sealed class DropArrival : VmCommand<bool>
    {
        public override VmAction Action => VmAction.Any;

        protected override async Task<Result<bool>> RunAsync(VmSession vm, CancellationToken ct)
        {
            await vm.StopQemuAsync().ConfigureAwait(false);
            await IncomingQemu.ReleaseAsync(vm).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// The source's side: stop a stream still going, then the guest continues here when the destination cannot
    /// have it — the stream never completed, or the destination confirms it dropped it — and otherwise stays paused.
    /// </summary>
    private sealed class SettleOutgoing(MigrationJournal journal, IMigrationTarget? target) : VmCommand<string>
    {
        public override VmAction Action => VmAction.Any;

        protected override async Task<Result<string>> RunAsync(VmSession vm, CancellationToken ct)
        {
            VmRecord r = vm.Record;
            string peer = journal.Peer;
            bool dropped = target is not null && (await target.AbortAsync(journal.Id, CancellationToken.None).ConfigureAwait(false)).IsOk;
            if (vm.Qmp is not { } qmp)
            {
                MigrationJournal.Delete(vm.MigrationJournal);
                MigrationTls.Delete(vm.MigrationTlsDir);
                if (!dropped)
                {
                    vm.Commit(r with { LastError = $"its QEMU was gone when hospesd started, during a migration to {peer}; {peer} may run it: check `hospes list` there before starting it here" });
                }

                return "its QEMU was gone";
            }

            MigrationStatus s = await qmp.QueryMigrationAsync(ct: ct).ConfigureAwait(false);
            bool streamDone = s.IsCompleted || s.IsPostcopy;
            if (!streamDone && !s.IsFailed && s.Status != "none")
            {
                await qmp.MigrateCancelAsync(ct).ConfigureAwait(false);
            }

            foreach (BlockJob job in await qmp.QueryBlockJobsAsync(ct: ct).ConfigureAwait(false))
            {
                await qmp.BlockJobCancelAsync(job.Id, force: true, ct).ConfigureAwait(false);
            }

            if (streamDone && !dropped)
            {
                // The destination got the whole guest and may have continued it: it must not run here too.
                if (await qmp.QueryStatusAsync(ct).ConfigureAwait(false) == QemuRunState.Running)
                {
                    await qmp.StopAsync(ct).ConfigureAwait(false);
                }

                MigrationJournal.Delete(vm.MigrationJournal);
                string why = $"hospesd restarted during its migration to {peer}, after the stream had ended; {peer} may be running {r.Name} now, so it stays paused here and never runs twice: if `hospes list` on {peer} does not show it running, `hospes unpause {r.Name}` here";
                vm.Commit(r with { State = VmState.Paused, LastError = why });
                return "stays paused: the destination may run it";
            }

            await qmp.SetParametersAsync(new JsonObject { ["tls-creds"] = "", ["tls-hostname"] = "" }, ct).ConfigureAwait(false);
            try
            {
                await qmp.ObjectDelAsync(QemuNames.MigrationTls(journal.Id), ct).ConfigureAwait(false);
            }
            catch (QmpException)
            {
                // Not added yet when hospesd stopped.
            }

            MigrationTls.Delete(vm.MigrationTlsDir);
            bool run = journal.Running && await qmp.QueryStatusAsync(ct).ConfigureAwait(false) is QemuRunState.Paused or QemuRunState.PostMigrate;
            if (run)
            {
                await qmp.ContAsync(ct).ConfigureAwait(false);
            }

            MigrationJournal.Delete(vm.MigrationJournal);
            vm.Commit(r with { State = journal.Running ? VmState.Running : r.State, LastError = $"its migration to {peer} was cut off by hospesd's restart" });
            return journal.Running ? "the guest continues here" : "it stays here";
        }
    }
}
