using Hospes.Config;
using Hospes.Core.Errors;
using Hospes.Host.Cluster.Ha;
using Hospes.Host.Cluster.Store;
using Hospes.Host.State;

namespace Hospes.Host.Cluster;

/// <summary>HA (issue 17, part 2): an HA VM's definition in the cluster's store, and what the HA loop reads of this host's membership.</summary>
internal sealed partial class ClusterService : IHaRecords
{
    /// <summary>The cluster's keys; null when this host is in no cluster.</summary>
    public ClusterKeys? Keys => _joined?.Keys;

    public async Task<HospesError?> RecordHaAsync(VmRecord vm, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        VmRecord r = vm;
        var record = new HaRecord(r.Name, r.Spec.Uuid.ToString(), r.Project, r.Spec.MemoryMib, XenConfigWriter.Write(r.Spec), _time.GetUtcNow());
        try
        {
            await j.Store.PutAsync(j.Keys.HaVm(r.Name), ClusterMembership.Json(record), 0, ct).ConfigureAwait(false);
            return null;
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot define HA VM '{r.Name}': its definition must be recorded in the cluster's store for the other hosts, and {e.Message}");
        }
    }

    public async Task<HospesError?> ClaimRenamedHaAsync(VmRecord renamed, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        VmRecord r = renamed;
        string owner = ClusterMembership.Json(new VmOwner(HostName, r.Spec.Uuid.ToString(), _time.GetUtcNow(), r.Project));
        string record = ClusterMembership.Json(new HaRecord(r.Name, r.Spec.Uuid.ToString(), r.Project, r.Spec.MemoryMib, XenConfigWriter.Write(r.Spec), _time.GetUtcNow()));
        try
        {
            if (await j.Store.CreateAllAsync([new StorePut(j.Keys.Vm(r.Name), owner), new StorePut(j.Keys.HaVm(r.Name), record)], ct).ConfigureAwait(false))
            {
                return null;
            }

            StoreEntry? current = await j.Store.GetAsync(j.Keys.Vm(r.Name), ct).ConfigureAwait(false);
            VmOwner? found = current is null ? null : Read<VmOwner>(current.Value);
            return found is null
                ? HospesError.Conflict($"cannot rename HA VM to '{r.Name}': the cluster's store has an HA record of that name already ({j.Keys.HaVm(r.Name)}); choose another name")
                : HospesError.Conflict($"VM name '{r.Name}' is taken in cluster '{j.Config.Name}': host '{found.Host}' owns it; choose another name");
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot rename HA VM to '{r.Name}': the cluster's store must record its new name and definition first, and {e.Message}");
        }
    }

    public async Task ForgetHaAsync(string name, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return;
        }

        try
        {
            await j.Store.DeleteAsync(j.Keys.HaVm(name), ct).ConfigureAwait(false);
        }
        catch (ClusterStoreException e)
        {
            LogReleaseFailed(name, e.Message);
        }
    }
}
