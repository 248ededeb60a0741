using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.CommandLine;
using Hospes.Qemu.Qmp;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Migration;

/// <summary>
/// The destination side of one migration: an incoming QEMU, its listening stream and disk exports. Its steps are
/// commands in the arriving VM's queue.
/// </summary>
internal sealed class IncomingQemu(VmLauncher launcher, string id, string fromPeer, ILogger log)
{
    /// <summary>How often the NBD server gets another port when the one just found free was taken meanwhile.</summary>
    private const int NbdPortAttempts = 5;

    private readonly VmLauncher _launcher = launcher;
    private readonly ILogger _log = log;
    private readonly string _id = id;
    private readonly string _from = fromPeer;
    private bool _exportsDisks;

    /// <summary>
    /// Launches QEMU paused and waiting for a stream on <paramref name="listenHost"/> (a port QEMU picks), and
    /// exports the disks named in <paramref name="mirrored"/> over NBD for the source's mirrors. Both take only TLS
    /// with <paramref name="tls"/>'s certificate, and only the source's QEMU (<paramref name="source"/>) as client.
    /// On failure nothing of it is left running.
    /// </summary>
    public VmCommand<MigrationPrepared> Prepare(int ramMib, bool agentChannel, string listenHost, bool postcopy, IReadOnlyList<string> mirrored, MigrationTls tls, MigrationTlsPeer source) =>
        new PrepareCommand(this, ramMib, agentChannel, listenHost, postcopy, mirrored, tls, source);

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

    /// <summary>
    /// Starts the NBD server on a port found free. Someone may take that port between the probe and QEMU's bind: then
    /// QEMU's bind fails, nothing listens for us on a port another holds, and the server tries another port.
    /// </summary>
    private static async Task<int> StartNbdAsync(IQmp qmp, string host, string creds, string authz, int connections, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort(host);
            try
            {
                await qmp.NbdServerStartAsync(host, port, creds, authz, connections, ct).ConfigureAwait(false);
                return port;
            }
            catch (QmpException e) when (attempt < NbdPortAttempts && e.Description.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>Takes this migration's TLS out of QEMU and its key off the disk (best effort: QEMU may be gone).</summary>
    private async Task ForgetTlsAsync(VmSession vm, CancellationToken ct)
    {
        if (vm.Qmp is { } qmp)
        {
            try
            {
                await qmp.SetParametersAsync(new JsonObject { ["tls-creds"] = "", ["tls-authz"] = "" }, ct).ConfigureAwait(false);
                await qmp.ObjectDelAsync(QemuNames.MigrationAuthz(_id), ct).ConfigureAwait(false);
                await qmp.ObjectDelAsync(QemuNames.MigrationTls(_id), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException)
            {
                MigrationLog.TlsCleanupFailed(_log, vm.Name, e.Message);
            }
        }

        await ReleaseAsync(vm).ConfigureAwait(false);
    }

    /// <summary>
    /// What an arrival held on this host goes: its TLS key, and /dev/userfaultfd for its QEMU's uid (a QEMU that opened
    /// it for post-copy keeps what it opened).
    /// </summary>
    internal static async Task ReleaseAsync(VmSession vm)
    {
        MigrationTls.Delete(vm.MigrationTlsDir);
        if (vm.Record.QemuUid is { } uid)
        {
            await UserfaultfdAccess.RevokeAsync(uid).ConfigureAwait(false);
        }
    }

    private sealed class PrepareCommand(IncomingQemu incoming, int ramMib, bool agentChannel, string listenHost, bool postcopy, IReadOnlyList<string> mirrored, MigrationTls tls, MigrationTlsPeer source) : VmCommand<MigrationPrepared>
    {
        public override VmAction Action => VmAction.ReceiveMigration;

        protected override async Task<Result<MigrationPrepared>> RunAsync(VmSession vm, CancellationToken ct)
        {
            Result<VmRecord> started = await incoming._launcher.LaunchAsync(vm, incoming: true, ramMib, migration: true, agentChannel: agentChannel).ConfigureAwait(false);
            if (!started.IsOk)
            {
                return started.Error;
            }

            // From here until the finish, only the migration's own commands reach this VM (a `cont` now would
            // make QEMU start the guest the moment the stream ends, whatever the source decides).
            vm.BeginArrival(incoming._from);
            IQmp qmp = vm.Qmp!;
            string creds = QemuNames.MigrationTls(incoming._id), authz = QemuNames.MigrationAuthz(incoming._id);
            try
            {
                string dir = vm.MigrationTlsDir;
                tls.WriteCredentials(dir, source, server: true, vm.Record.QemuUid);
                await qmp.AddTlsCredentialsAsync(creds, dir, server: true, ct).ConfigureAwait(false);
                await qmp.AddAuthzAsync(authz, MigrationTls.DistinguishedName(source.Name), ct).ConfigureAwait(false);
                if (postcopy && vm.Record.QemuUid is { } uid)
                {
                    Result<bool> uffd = await UserfaultfdAccess.GrantAsync(uid, ct).ConfigureAwait(false);
                    if (!uffd.IsOk)
                    {
                        throw new IOException(uffd.Error.Message);
                    }
                }

                await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { ["postcopy-ram"] = postcopy }, ct).ConfigureAwait(false);
                await qmp.SetParametersAsync(new JsonObject { ["tls-creds"] = creds, ["tls-authz"] = authz }, ct).ConfigureAwait(false);
                await qmp.MigrateIncomingAsync($"tcp:{OutgoingMigration.UriHost(listenHost)}:0", ct).ConfigureAwait(false);
                MigrationStatus listening = await qmp.QueryMigrationAsync(ct: ct).ConfigureAwait(false);
                int port = listening.ListeningPort ?? throw new QmpException("query-migrate", "", "QEMU did not say which port it listens on");
                var exports = new Dictionary<string, string>(StringComparer.Ordinal);
                int? nbd = null;
                if (mirrored.Count > 0)
                {
                    // The source opens one connection per disk; nobody else may hold one.
                    nbd = await StartNbdAsync(qmp, listenHost, creds, authz, mirrored.Count, ct).ConfigureAwait(false);
                    incoming._exportsDisks = true;
                    foreach (string vdev in mirrored)
                    {
                        string node = MigrationOfferBuilder.DiskNode(vm.Record.Spec, vdev);
                        await qmp.NbdExportAsync(node, ct).ConfigureAwait(false);
                        exports[vdev] = node;
                    }
                }

                return new MigrationPrepared { MigratePort = port, NbdPort = nbd, Exports = exports, Tls = tls.Public };
            }
            catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or SocketException or IOException or UnauthorizedAccessException)
            {
                await vm.StopQemuAsync().ConfigureAwait(false);
                vm.EndArrival();
                await ReleaseAsync(vm).ConfigureAwait(false);
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

            vm.EndArrival();
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

            await incoming.ForgetTlsAsync(vm, ct).ConfigureAwait(false);
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
            vm.EndArrival();
            await ReleaseAsync(vm).ConfigureAwait(false);
            return vm.Commit(GuestEvents.Stopped(vm.Record, VmState.Shutoff));
        }
    }
}
