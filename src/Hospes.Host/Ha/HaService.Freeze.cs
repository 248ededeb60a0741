using System.Diagnostics;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Vms;

namespace Hospes.Host.Ha;

internal sealed partial class HaService
{
    /// <summary>
    /// A clean stop of hospesd while HA VMs run here (their QEMUs outlive it, by design): `hafrozen/&lt;host&gt;` is
    /// written, without a lease, before the membership lets go of its lease, so the leader moves none of them while
    /// their QEMUs run here without a hospesd to fence them. The fence loop still runs meanwhile. When the marker
    /// cannot be written (no quorum here), nothing would keep the leader from starting them elsewhere once the lease
    /// ends, and nothing here would fence them: their QEMUs are killed (never two copies beats availability).
    /// </summary>
    private async Task FreezeAsync()
    {
        if (_cluster.Store is not { } store || _cluster.Keys is not { } keys || _cluster.Membership is not { } membership)
        {
            return;
        }

        List<VmActor> running;
        lock (_gate)
        {
            running = [.. _vms.All.Where(a => a.Record.Spec.Ha && a.Pid is int pid && !_killed.Contains(pid))];
        }

        if (running.Count == 0)
        {
            return;
        }

        string names = string.Join(", ", running.Select(a => a.Record.Name));
        var freeze = new HaFreeze(_cluster.HostName, _time.GetUtcNow(), "hospesd stopped cleanly", [.. running.Select(a => a.Record.Name)]);
        string? failed = null;
        if (HaDecisions.MustFence(SinceAcknowledged, _options.HaFenceAfter))
        {
            failed = $"etcd has not acknowledged this host's lease for {SinceAcknowledged?.TotalSeconds:0.0} s";
        }
        else if (membership.Removed)
        {
            // The cluster has forgotten this host: no mark of its would keep the leader from starting them elsewhere.
            failed = "this host was removed from the cluster";
        }
        else
        {
            try
            {
                await store.PutAsync(keys.Frozen(_cluster.HostName), ClusterMembership.Json(freeze), 0, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ClusterStoreException e)
            {
                failed = e.Message;
            }
        }

        if (failed is null)
        {
            LogFrozen(names);
            Tell("freeze", null, null, $"hospesd on {_cluster.HostName} stops while HA VMs {names} run here: host frozen (key {keys.Frozen(_cluster.HostName)}), the leader moves none of them; their QEMUs run on; the mark goes when hospesd is back, or with `hospes cluster remove {_cluster.HostName}`");
            return;
        }

        foreach (VmActor actor in running)
        {
            if (actor.Pid is not int pid)
            {
                continue;
            }

            try
            {
                using var qemu = Process.GetProcessById(pid);
                qemu.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Gone already.
            }

            LogFreezeFailed(actor.Record.Name, pid, failed);
            Tell("freeze failed", actor.Record.Name, actor.Record.Project,
                $"hospesd on {_cluster.HostName} stops and could not mark the host frozen in etcd ({failed}): QEMU of HA VM {actor.Record.Name} (pid {pid}) killed, since another host may start it once this host's lease ends");
        }
    }

    /// <summary>Back after a clean stop, lease renewed and QEMUs re-adopted: this host's freeze mark goes (once per run of hospesd).</summary>
    private async Task ThawAsync(IClusterStore store, ClusterKeys keys, CancellationToken ct)
    {
        if (_thawed)
        {
            return;
        }

        if (await store.GetAsync(keys.Frozen(_cluster.HostName), ct).ConfigureAwait(false) is { } mark
            && await store.DeleteIfAsync(mark.Key, mark.Value, ct).ConfigureAwait(false))
        {
            LogThawed();
            Tell("thaw", null, null, $"hospesd on {_cluster.HostName} is back: the host is no longer frozen ({mark.Value})");
        }

        _thawed = true;
    }
}
