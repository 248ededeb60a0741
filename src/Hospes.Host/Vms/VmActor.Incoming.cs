using System.Net;
using System.Net.Sockets;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Qemu.Qmp;

namespace Hospes.Host.Vms;

/// <summary>The destination side of a migration: an incoming QEMU, its listening stream and disk exports.</summary>
internal sealed partial class VmActor
{
    private bool _exportsDisks;

    /// <summary>
    /// Launches QEMU paused and waiting for a stream on <paramref name="listenHost"/> (a port QEMU picks), and
    /// exports the disks named in <paramref name="mirrored"/> over NBD for the source's mirrors. On failure
    /// nothing of it is left running.
    /// </summary>
    public Task<Result<MigrationPrepared>> PrepareIncomingAsync(int ramMib, string listenHost, bool postcopy, IReadOnlyList<string> mirrored) =>
        EnqueueAsync<MigrationPrepared>(async () =>
        {
            if (_qemu is not null)
            {
                return NotAllowed("receive a migration into");
            }

            Result<VmRecord> started = await StartCoreAsync(incoming: true, ramMib).ConfigureAwait(false);
            if (!started.IsOk)
            {
                return started.Error;
            }

            IQmp qmp = _qemu!.Qmp;
            try
            {
                await qmp.SetCapabilitiesAsync(new Dictionary<string, bool> { ["postcopy-ram"] = postcopy }).ConfigureAwait(false);
                await qmp.MigrateIncomingAsync($"tcp:{UriHost(listenHost)}:0").ConfigureAwait(false);
                MigrationStatus listening = await qmp.QueryMigrationAsync().ConfigureAwait(false);
                int port = listening.ListeningPort ?? throw new QmpException("query-migrate", "", "QEMU did not say which port it listens on");
                var exports = new Dictionary<string, string>(StringComparer.Ordinal);
                int? nbd = null;
                if (mirrored.Count > 0)
                {
                    nbd = FreePort(listenHost);
                    await qmp.NbdServerStartAsync(listenHost, nbd.Value).ConfigureAwait(false);
                    _exportsDisks = true;
                    foreach (string vdev in mirrored)
                    {
                        string node = $"drive{Record.Spec.Disks.ToList().FindIndex(d => d.Vdev == vdev)}";
                        await qmp.NbdExportAsync(node).ConfigureAwait(false);
                        exports[vdev] = node;
                    }
                }

                return new MigrationPrepared { MigratePort = port, NbdPort = nbd, Exports = exports };
            }
            catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException or SocketException)
            {
                await StopQemuAsync().ConfigureAwait(false);
                Commit(Stopped(Record, VmState.Shutoff));
                return HospesError.Unavailable($"{Record.Name}: cannot wait for the migration stream: {e.Message}{QemuLogTail()}");
            }
        });

    /// <summary>
    /// The source's stream ended (or switched to post-copy): wait until this QEMU has all of it, close the disk
    /// exports, continue the guest when <paramref name="run"/>, and announce its MACs from here.
    /// </summary>
    public Task<Result<MigrationFinished>> FinishIncomingAsync(bool run, bool postcopy, bool probe = false) => EnqueueAsync<MigrationFinished>(async () =>
    {
        if (_qemu is null)
        {
            return HospesError.Unavailable($"{Record.Name}: its incoming QEMU is gone{QemuLogTail()}");
        }

        IQmp qmp = _qemu.Qmp;
        if (probe)
        {
            MigrationStatus now = await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
            return new MigrationFinished(now.Status, null);
        }

        DateTimeOffset deadline = _ctx.Time.GetUtcNow() + TimeSpan.FromSeconds(30);
        DateTimeOffset complete;
        while (true)
        {
            MigrationStatus s = await qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
            if (s.IsCompleted || (postcopy && s.IsPostcopy))
            {
                complete = _ctx.Time.GetUtcNow();
                break;
            }

            if (s.IsFailed || _ctx.Time.GetUtcNow() > deadline)
            {
                return HospesError.Unavailable($"{Record.Name}: the incoming stream {(s.IsFailed ? "failed" : "did not complete")}: {s.Error ?? s.Status}{QemuLogTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), _ctx.Time).ConfigureAwait(false);
        }

        if (_exportsDisks)
        {
            await qmp.NbdServerStopAsync().ConfigureAwait(false);
            _exportsDisks = false;
        }

        DateTimeOffset? resumedAt = null;
        if (run)
        {
            await qmp.ContAsync().ConfigureAwait(false);
            resumedAt = _ctx.Time.GetUtcNow();
        }

        // The guest runs here now: nothing after this point may fail the migration (the source would resume it).
        if (Record.Spec.Vifs.Count > 0)
        {
            try
            {
                await qmp.AnnounceSelfAsync().ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                LogAnnounceFailed(Record.Name, e.Message);
            }
        }

        Commit(Record with { State = run ? VmState.Running : VmState.Paused, LastError = null });
        return new MigrationFinished(Record.State.ToString().ToLowerInvariant(), resumedAt, StreamCompleteAt: complete);
    });

    /// <summary>The incoming stream's state, read outside the queue (the destination's watchdog).</summary>
    public async Task<MigrationStatus?> IncomingStatusAsync()
    {
        if (_qemu is not { } q)
        {
            return null;
        }

        try
        {
            return await q.Qmp.QueryMigrationAsync(logged: false).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or TimeoutException or QmpDisconnectedException)
        {
            return null;
        }
    }

    /// <summary>Ends an incoming QEMU that will not get its guest (a failed or cancelled migration).</summary>
    public Task<Result<VmRecord>> AbortIncomingAsync() => EnqueueAsync<VmRecord>(async () =>
    {
        await StopQemuAsync().ConfigureAwait(false);
        _exportsDisks = false;
        return Commit(Stopped(Record, VmState.Shutoff));
    });

    /// <summary>A port free on <paramref name="host"/> now (for the NBD server, which cannot report one it picked).</summary>
    private static int FreePort(string host)
    {
        using var l = new TcpListener(IPAddress.Parse(host.Trim('[', ']')), 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
