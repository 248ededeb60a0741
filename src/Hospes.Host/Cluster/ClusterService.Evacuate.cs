using Hospes.Core.Errors;
using Hospes.Host.Cluster.Evacuation;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>Cordons: an evacuated host's `cordoned/` key, which placement and HA read to skip it.</summary>
internal sealed partial class ClusterService
{
    /// <summary>The cordoned hosts by name; empty in no cluster.</summary>
    public async Task<Result<IReadOnlyDictionary<string, CordonRecord>>> CordonsAsync(CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return new Dictionary<string, CordonRecord>();
        }

        try
        {
            IReadOnlyList<StoreEntry> all = await j.Store.ListAsync(j.Keys.Cordoned, ct).ConfigureAwait(false);
            return all.Select(e => (Name: ClusterKeys.NameOf(e.Key), Record: Read<CordonRecord>(e.Value)))
                .Where(c => c.Record is not null)
                .ToDictionary(c => c.Name, c => c.Record!, StringComparer.Ordinal);
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable(e.Message);
        }
    }

    /// <summary>Writes (or rewrites) this host's cordon.</summary>
    public async Task<HospesError?> CordonAsync(CordonRecord record, CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return error;
        }

        Joined j = _joined!;
        try
        {
            await j.Store.PutAsync(j.Keys.Cordon(HostName), ClusterMembership.Json(record), 0, ct).ConfigureAwait(false);
            return null;
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot mark host '{HostName}' evacuated: {e.Message}");
        }
    }

    /// <summary>Removes this host's cordon; false when there was none.</summary>
    public async Task<Result<bool>> UncordonAsync(CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return error;
        }

        Joined j = _joined!;
        try
        {
            return await j.Store.DeleteAsync(j.Keys.Cordon(HostName), ct).ConfigureAwait(false);
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot take host '{HostName}' back into service: {e.Message}");
        }
    }
}
