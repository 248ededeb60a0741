using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster;

/// <summary>Ownership follows a VM that migrates: its `vms/` key moves from the source to the destination in one transaction.</summary>
internal sealed partial class ClusterService
{
    public async Task<HospesError?> CheckArrivalAsync(string name, string fromHost, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        try
        {
            StoreEntry? current = await j.Store.GetAsync(j.Keys.Vm(name), ct).ConfigureAwait(false);
            VmOwner? owner = current is null ? null : Read<VmOwner>(current.Value);
            return owner is null || owner.Host == fromHost || owner.Host == HostName
                ? null
                : HospesError.Conflict($"cannot receive VM '{name}' from '{fromHost}': in cluster '{j.Config.Name}' host '{owner.Host}' owns that name; the VM on '{fromHost}' is not the cluster's '{name}'");
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot receive VM '{name}': its owner in the cluster must move here with it, and {e.Message}");
        }
    }

    public async Task<HospesError?> MoveHereAsync(string name, Guid uuid, string fromHost, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        string key = j.Keys.Vm(name);
        try
        {
            // Twice at most: a key that appears or changes between the read and the transaction is read again.
            for (int attempt = 0; attempt < 2; attempt++)
            {
                StoreEntry? current = await j.Store.GetAsync(key, ct).ConfigureAwait(false);
                VmOwner? owner = current is null ? null : Read<VmOwner>(current.Value);

                // The claim keeps the project it counts in (an unclaimed name's is not known here: it counts in none).
                string mine = ClusterMembership.Json(new VmOwner(HostName, uuid.ToString(), _time.GetUtcNow(), owner?.Project));
                bool moved = current is null
                    ? await j.Store.CreateAllAsync([new StorePut(key, mine)], ct).ConfigureAwait(false)
                    : owner?.Host == HostName || (owner?.Host == fromHost && await j.Store.PutAllIfAsync(key, current.Value, [new StorePut(key, mine)], ct).ConfigureAwait(false));
                if (moved)
                {
                    LogClaimMoved(name, fromHost, HostName);
                    UseMoved();
                    return null;
                }

                if (owner is not null && owner.Host != fromHost && owner.Host != HostName)
                {
                    return HospesError.Conflict($"VM '{name}' cannot continue here: in cluster '{j.Config.Name}' host '{owner.Host}' owns it, not '{fromHost}'");
                }
            }

            return HospesError.Conflict($"VM '{name}' cannot continue here: its owner in cluster '{j.Config.Name}' kept changing while it moved from '{fromHost}'");
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"VM '{name}' cannot continue here: its owner in the cluster must move from '{fromHost}' first, and {e.Message}");
        }
    }

    public async Task MoveBackAsync(string name, Guid uuid, string toHost, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return;
        }

        string key = j.Keys.Vm(name);
        try
        {
            if (await j.Store.GetAsync(key, ct).ConfigureAwait(false) is { } current && Read<VmOwner>(current.Value) is { } owner && owner.Host == HostName)
            {
                string theirs = ClusterMembership.Json(new VmOwner(toHost, uuid.ToString(), _time.GetUtcNow(), owner.Project));
                if (await j.Store.PutAllIfAsync(key, current.Value, [new StorePut(key, theirs)], ct).ConfigureAwait(false))
                {
                    LogClaimMoved(name, HostName, toHost);
                }
            }
        }
        catch (ClusterStoreException e)
        {
            LogClaimMoveBackFailed(name, toHost, e.Message);
        }
    }

    [LoggerMessage(EventId = LogEvents.ClusterClaimMoved, Level = LogLevel.Information, Message = "VM {Vm}: its cluster owner moved from {From} to {To}")]
    private partial void LogClaimMoved(string vm, string from, string to);

    [LoggerMessage(EventId = LogEvents.ClusterClaimMoveBackFailed, Level = LogLevel.Warning, Message = "VM {Vm}: its migration failed, but its cluster owner could not go back to {To} (this host still owns it): {Why}")]
    private partial void LogClaimMoveBackFailed(string vm, string to, string why);
}
