using System.Diagnostics;
using Hospes.Core.Vms;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Vms;

namespace Hospes.Host.Ha;

internal sealed partial class HaService
{
    /// <summary>Cut off from etcd for too long: kill -9 every running HA VM's QEMU here (a pause would keep its disk open).</summary>
    private void Fence(TimeSpan since)
    {
        lock (_gate)
        {
            FenceLocked(since);
        }
    }

    private void FenceLocked(TimeSpan since)
    {
        if (_leading)
        {
            _leading = false;
            LogLeaderLost(since.TotalSeconds);
            Tell("leader lost", null, null, $"{_cluster.HostName} stops leading: etcd has not acknowledged its lease for {since.TotalSeconds:0.0} s");
        }

        foreach (VmActor actor in _vms.All.Where(a => a.Record.Spec.Ha))
        {
            if (actor.Pid is not int pid || _killed.Contains(pid))
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

            _killed.Add(pid);
            _fenced.Add(actor.Record.Name);
            LogFenced(actor.Record.Name, pid, since.TotalSeconds);
            Tell("fence", actor.Record.Name, actor.Record.Project,
                $"QEMU of HA VM {actor.Record.Name} (pid {pid}) killed: etcd has not acknowledged this host's lease for {since.TotalSeconds:0.0} s (fence after {_options.HaFenceAfter.TotalSeconds:0.0} s), so another host may start it");
        }
    }

    /// <summary>
    /// Back in touch with etcd: an HA VM fenced (or crashed) here that another host owns now goes (its local copy,
    /// never started again; its disks are shared and stay); one this host fenced and still owns starts again, once its
    /// ownership is renewed in a transaction that the leader's move would have failed.
    /// </summary>
    private async Task SettleAsync(IClusterStore store, ClusterKeys keys, CancellationToken ct)
    {
        List<VmActor> left;
        lock (_gate)
        {
            _killed.RemoveWhere(pid => _vms.All.All(a => a.Pid != pid));

            // Only what fencing (or a crash) left: a VM defined here by an incoming migration, not started yet, is not this loop's.
            left = [.. _vms.All.Where(a => a.Record.Spec.Ha && a.Pid is null && (_fenced.Contains(a.Record.Name) || a.Record.State == VmState.Crashed))];
        }

        foreach (VmActor actor in left)
        {
            string name = actor.Record.Name;
            StoreEntry? entry = await store.GetAsync(keys.Vm(name), ct).ConfigureAwait(false);
            VmOwner? owner = entry is null ? null : ClusterService.Read<VmOwner>(entry.Value);
            if (owner is not null && owner.Host != _cluster.HostName)
            {
                await _vms.ForgetAsync(actor, ct).ConfigureAwait(false);
                lock (_gate)
                {
                    _fenced.Remove(name);
                }

                LogDropped(name, owner.Host);
                Tell("drop", name, actor.Record.Project, $"HA VM {name} runs on {owner.Host} now: its copy here is removed (its shared disks stay)");
            }
            else if (owner is not null && entry is not null && Fenced(name) && HaDecisions.MayStartAgain(SinceAcknowledged, _options.HaFenceAfter))
            {
                string renewed = ClusterMembership.Json(owner with { Since = _time.GetUtcNow() });
                if (!await store.PutAllIfAsync(entry.Key, entry.Value, [new StorePut(entry.Key, renewed)], ct).ConfigureAwait(false))
                {
                    continue; // the leader moved it meanwhile: the next round drops it
                }

                lock (_gate)
                {
                    _fenced.Remove(name);
                }

                var started = await actor.RunAsync(_vms.Commands.Start(false), ct).ConfigureAwait(false);
                string outcome = started.IsOk ? "started again" : $"could not start again: {started.Error.Message}";
                LogRestartedHere(name, outcome);
                Tell("restart here", name, actor.Record.Project, $"HA VM {name} is still this host's after etcd came back (nobody took it over): {outcome}");
            }
        }
    }

    private bool Fenced(string name)
    {
        lock (_gate)
        {
            return _fenced.Contains(name);
        }
    }
}
