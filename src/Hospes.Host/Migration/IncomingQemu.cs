using System.Net;
using System.Net.Sockets;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>
/// The destination side of one migration: an incoming QEMU, its listening stream and disk exports. Its steps are
/// commands in the arriving VM's queue.
/// </summary>
internal sealed class IncomingQemu(VmLauncher launcher, ILogger log)
{
    private readonly VmLauncher _launcher = launcher;
    private readonly ILogger _log = log;
    private bool _exportsDisks;

    /// <summary>
    /// Launches QEMU paused and waiting for a stream on <paramref name="listenHost"/> (a port QEMU picks), and
    /// exports the disks named in <paramref name="mirrored"/> over NBD for the source's mirrors. On failure
    /// nothing of it is left running.
    /// </summary>
    public VmCommand<MigrationPrepared> Prepare(int ramMib, string listenHost, bool postcopy, IReadOnlyList<string> mirrored) =>
        new PrepareCommand(this, ramMib, listenHost, postcopy, mirrored);

    /// <summary>
    /// The source's stream ended (or switched to post-copy): wait until this QEMU has all of it, close the disk
    /// exports, continue the guest when <paramref name="run"/>, and announce its MACs from here.
    /// </summary>
    public VmCommand<MigrationFinished> Finish(bool run, bool postcopy, bool probe) => new FinishCommand(this, run, postcopy, probe);

    /// <summary>Ends an incoming QEMU that will not get its guest (a failed or cancelled migration).</summary>
    public VmCommand<VmRecord> Abort() => new AbortCommand(this);

    /// <summary>The incoming stream's state, read outside the queue (the destination's watchdog); null when its QEMU is gone.</summary>
    public static async Task<MigrationStatus?> StatusAsync(VmActor vm)
    {
        if (vm.Qmp is not { } qmp)
        {
            return null;
        }

        try
        {
            return await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException)
        {
            return null;
        }
    }

    /// <summary>A port free on <paramref name="host"/> now (for the NBD server, which cannot report one it picked).</summary>
    private static int FreePort(string host)
    {
        using var l = new TcpListener(IPAddress.Parse(host.Trim('[', ']')), 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private sealed class PrepareCommand(IncomingQemu incoming, int ramMib, string listenHost, bool postcopy, IReadOnlyList<string> mirrored) : VmCommand<MigrationPrepared>
    {
        public override VmAction Action => VmAction.ReceiveMigration;

        protected override async Task<Result<MigrationPrepared>> RunAsync(VmSession vm, CancellationToken ct)
        {
            Result<VmRecord> started = await incoming._launcher.LaunchAsync(vm, incoming: true, ramMib).ConfigureAwait(false);
            if (!started.IsOk)
            {
                return started.Error;
            }

            IQmp qmp = vm.Qmp!;
            try
            {
                await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { ["postcopy-ram"] = postcopy }, ct).ConfigureAwait(false);
                await qmp.MigrateIncomingAsync($"tcp:{OutgoingMigration.UriHost(listenHost)}:0", ct).ConfigureAwait(false);
                MigrationStatus listening = await qmp.QueryMigrationAsync(ct: ct).ConfigureAwait(false);
                int port = listening.ListeningPort ?? throw new QmpException("query-migrate", "", "QEMU did not say which port it listens on");
                var exports = new Dictionary<string, string>(StringComparer.Ordinal);
                int? nbd = null;
                if (mirrored.Count > 0)
                {
                    nbd = FreePort(listenHost);
                    await qmp.NbdServerStartAsync(listenHost, nbd.Value, ct).ConfigureAwait(false);
                    incoming._exportsDisks = true;
                    foreach (string vdev in mirrored)
                    {
                        string node = MigrationOfferBuilder.DiskNode(vm.Record.Spec, vdev);
                        await qmp.NbdExportAsync(node, ct).ConfigureAwait(false);
                        exports[vdev] = node;
                    }
                }

                return new MigrationPrepared { MigratePort = port, NbdPort = nbd, Exports = exports };
            }
            catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or SocketException)
            {
                await vm.StopQemuAsync().ConfigureAwait(false);
                vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Shutoff));
                return HospesError.Unavailable($"{vm.Name}: cannot wait for the migration stream: {e.Message}{vm.QemuLogTail()}");
            }
        }
    }

    private sealed class FinishCommand(IncomingQemu incoming, bool run, bool postcopy, bool probe) : VmCommand<MigrationFinished>
    {
        public override VmAction Action => VmAction.Any;

        protected override async Task<Result<MigrationFinished>> RunAsync(VmSession vm, CancellationToken ct)
        {
            if (vm.Qmp is not { } qmp)
            {
                return HospesError.Unavailable($"{vm.Name}: its incoming QEMU is gone{vm.QemuLogTail()}");
            }

            if (probe)
            {
                MigrationStatus now = await qmp.QueryMigrationAsync(logged: false, ct).ConfigureAwait(false);
                return new MigrationFinished(now.Status, null);
            }

            DateTimeOffset deadline = vm.Time.GetUtcNow() + TimeSpan.FromSeconds(30);
            DateTimeOffset complete;
            while (true)
            {
                MigrationStatus s = await qmp.QueryMigrationAsync(logged: false, ct).ConfigureAwait(false);
                if (s.IsCompleted || (postcopy && s.IsPostcopy))
                {
                    complete = vm.Time.GetUtcNow();
                    break;
                }

                if (s.IsFailed || vm.Time.GetUtcNow() > deadline)
                {
                    return HospesError.Unavailable($"{vm.Name}: the incoming stream {(s.IsFailed ? "failed" : "did not complete")}: {s.Error ?? s.Status}{vm.QemuLogTail()}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(2), vm.Time, ct).ConfigureAwait(false);
            }

            if (incoming._exportsDisks)
            {
                await qmp.NbdServerStopAsync(ct).ConfigureAwait(false);
                incoming._exportsDisks = false;
            }

            DateTimeOffset? resumedAt = null;
            if (run)
            {
                await qmp.ContAsync(ct).ConfigureAwait(false);
                resumedAt = vm.Time.GetUtcNow();
            }

            // The guest runs here now: nothing after this point may fail the migration (the source would resume it).
            if (vm.Record.Spec.Vifs.Count > 0)
            {
                try
                {
                    await qmp.AnnounceSelfAsync(ct).ConfigureAwait(false);
                }
                catch (QmpException e)
                {
                    MigrationLog.AnnounceFailed(incoming._log, vm.Name, e.Message);
                }
            }

            vm.Commit(vm.Record with { State = run ? VmState.Running : VmState.Paused, LastError = null });
            return new MigrationFinished(vm.Record.State.ToString().ToLowerInvariant(), resumedAt, StreamCompleteAt: complete);
        }
    }

    private sealed class AbortCommand(IncomingQemu incoming) : VmCommand<VmRecord>
    {
        public override VmAction Action => VmAction.Any;

        protected override async Task<Result<VmRecord>> RunAsync(VmSession vm, CancellationToken ct)
        {
            await vm.StopQemuAsync().ConfigureAwait(false);
            incoming._exportsDisks = false;
            return vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Shutoff));
        }
    }
}
