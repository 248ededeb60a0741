using Hospes.Config;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Core.Vms;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.State;
using Hospes.Host.Vms;

namespace Hospes.Host.Ha;

internal sealed partial class HaService
{
    /// <summary>The leader's orders to this host: define each VM from its `ha/` record (unless it is here) and start it.</summary>
    private async Task RunOrdersAsync(IClusterStore store, ClusterKeys keys, CancellationToken ct)
    {
        foreach (StoreEntry e in await store.ListAsync(keys.HaRestarts, ct).ConfigureAwait(false))
        {
            if (ClusterService.Read<HaRestart>(e.Value) is not { } order || order.Host != _cluster.HostName)
            {
                continue;
            }

            string name = ClusterKeys.NameOf(e.Key);
            StoreEntry? owned = await store.GetAsync(keys.Vm(name), ct).ConfigureAwait(false);
            if (owned is null || ClusterService.Read<VmOwner>(owned.Value)?.Host != _cluster.HostName)
            {
                // Moved on since (or deleted): an order for a VM this host does not own is void; a key its move carried here goes with it.
                await store.DeleteIfAsync(e.Key, e.Value, ct).ConfigureAwait(false);
                _cluster.UseMoved();
                continue;
            }

            Result<VmRecord> started = await StartHereAsync(store, keys, name, ct).ConfigureAwait(false);
            if (started.IsOk)
            {
                await store.DeleteIfAsync(e.Key, e.Value, ct).ConfigureAwait(false);
                _orderFailures.Remove(name);
                LogStarted(name, order.From);
                Tell("start", name, started.Value.Project, $"HA VM {name} of dead host {order.From} started here");
                continue;
            }

            int failures = _orderFailures[name] = _orderFailures.GetValueOrDefault(name) + 1;
            LogFailed(name, failures, started.Error.Message);
            if (failures >= OrderAttempts)
            {
                await store.DeleteIfAsync(e.Key, e.Value, ct).ConfigureAwait(false);
                _orderFailures.Remove(name);

                // The room its move kept in its project's limits is given back by this host's next round.
                _cluster.UseMoved();
                Tell("start failed", name, null, $"HA VM {name} of dead host {order.From} could not start here ({failures} tries): {started.Error.Message}; this host owns it now, fix the cause and `hospes start {name}`");
            }
        }
    }

    private async Task<Result<VmRecord>> StartHereAsync(IClusterStore store, ClusterKeys keys, string name, CancellationToken ct)
    {
        Result<VmActor> here = _vms.Find(name);
        if (here.IsOk)
        {
            return here.Value.Pid is null ? await here.Value.RunAsync(_vms.Commands.Start(false), ct).ConfigureAwait(false) : here.Value.Record;
        }

        StoreEntry? entry = await store.GetAsync(keys.HaVm(name), ct).ConfigureAwait(false);
        if (entry is null || ClusterService.Read<HaRecord>(entry.Value) is not { } record)
        {
            return HospesError.NotFound($"HA VM {name}: the cluster's store has no definition of it (key {keys.HaVm(name)})");
        }

        ConfigReadResult read = XenConfigReader.Read(
            new XenConfigSource(record.Config, $"{keys.HaVm(name)}"),
            new ConfigReadOptions { StrictHost = true, Host = new HostFacts { Networks = _vms.NetworkExists } });
        if (read.Spec is null)
        {
            string first = read.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)?.ToString() ?? "unreadable";
            return HospesError.Invalid($"HA VM {name}: its recorded definition does not fit this host: {first}");
        }

        await using var revert = new Reverter();
        Result<VmActor> defined = await _vms.DefineAsync(read.Spec, fullCopies: false, revert, ct, record.Project).ConfigureAwait(false);
        if (!defined.IsOk)
        {
            return defined.Error;
        }

        // Defined here, it stays defined whatever its start does: undoing the define would release its claim and delete
        // its `ha/` record, and the VM would be gone from the cluster after one failed start (the next try would find
        // no definition). A start that fails leaves it shut off here, owned by this host; the next round (or, after
        // OrderAttempts, the user: `hospes start`) starts it again.
        revert.Commit();
        return await defined.Value.RunAsync(_vms.Commands.Start(false), ct).ConfigureAwait(false);
    }
}
