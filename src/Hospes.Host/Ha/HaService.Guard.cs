using Hospes.Host.Cluster.Ha;
using Hospes.Host.Vms;

namespace Hospes.Host.Ha;

internal sealed partial class HaService
{
    /// <summary>
    /// Every fence round: the fence guard's kills reported (as fences of this host), then its orders renewed: the HA
    /// QEMUs running here and the deadline, the fence time (plus the guard's lag) after the last acknowledged renewal.
    /// A hung or killed hospesd renews nothing, and the guard kills them. No guard is started before an HA QEMU runs
    /// here in a cluster; one that runs is kept (idle when there is nothing to guard) until a clean stop.
    /// </summary>
    private async Task GuardAsync(TimeSpan? since, CancellationToken ct)
    {
        foreach (GuardKill kill in _guard.TakeKills())
        {
            ReportGuardKill(kill);
        }

        if (since is not { } s)
        {
            // In no cluster (left it): nothing is fenced here, so nothing is for the guard either.
            if (_guard.Armed)
            {
                await _guard.OrderAsync(new FenceGuardOrders(0, []), ct).ConfigureAwait(false);
            }

            return;
        }

        List<GuardedQemu> qemus = GuardedQemus();
        if (qemus.Count == 0 && _guard.Pid == 0 && !_guard.Armed)
        {
            return;
        }

        long proposed = FenceGuardDecisions.Deadline(GuardProcs.NowMs(), s, _options.HaFenceAfter);
        long deadline = FenceGuardDecisions.Next(_guard.Deadline, proposed, _cluster.Membership?.SinceAcknowledged is not null);
        await _guard.OrderAsync(new FenceGuardOrders(deadline, qemus), ct).ConfigureAwait(false);
    }

    /// <summary>The HA QEMUs running here (not fenced already), each with its start time, read once per pid.</summary>
    private List<GuardedQemu> GuardedQemus()
    {
        var qemus = new List<GuardedQemu>();
        lock (_gate)
        {
            foreach (VmActor actor in _vms.All.Where(a => a.Record.Spec.Ha))
            {
                if (actor.Pid is not int pid || _killed.Contains(pid))
                {
                    continue;
                }

                if (!_qemuStarts.TryGetValue(pid, out long start))
                {
                    if (GuardProcs.StartOf(pid) is not long read)
                    {
                        continue;
                    }

                    _qemuStarts[pid] = start = read;
                }

                qemus.Add(new GuardedQemu(actor.Record.Name, pid, start));
            }

            foreach (int gone in _qemuStarts.Keys.Where(p => qemus.All(q => q.Pid != p)).ToList())
            {
                _qemuStarts.Remove(gone);
            }
        }

        return qemus;
    }

    /// <summary>A kill by the guard is this host's fence: the same bookkeeping (its copy is dropped or started again once etcd answers), event and audit row.</summary>
    private void ReportGuardKill(GuardKill kill)
    {
        lock (_gate)
        {
            _killed.Add(kill.Pid);
            _fenced.Add(kill.Vm);
        }

        double late = kill.LateMs / 1000.0;
        LogGuardFenced(kill.Vm, kill.Pid, late);
        Tell("guard fence", kill.Vm, _vms.All.FirstOrDefault(a => a.Record.Name == kill.Vm)?.Record.Project,
            $"QEMU of HA VM {kill.Vm} (pid {kill.Pid}) killed at {kill.At:u} by the fence guard, {late:0.0} s past its deadline: hospesd did not renew it in time (hung, stopped or killed) after this host's last acknowledged lease renewal, so another host may start it");
    }
}
