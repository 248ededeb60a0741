using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Cluster;

/// <summary>What forwarding, the cluster-wide list and placement read of the cluster.</summary>
internal sealed partial class ClusterService
{
    /// <summary>In a cluster and still a member of it (a host removed while away is not: it answers for itself only).</summary>
    public bool IsMember => _joined is { Membership.Removed: false };

    /// <summary>
    /// The owner of VM <paramref name="vm"/> when it is another host; null when this host is in no cluster, no host owns
    /// the name, or this host does.
    /// </summary>
    public async Task<Result<RemoteOwner>?> OwnerElsewhereAsync(string vm, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        try
        {
            if (await j.Store.GetAsync(j.Keys.Vm(vm), ct).ConfigureAwait(false) is not { } key || Read<VmOwner>(key.Value) is not { } owner || owner.Host == HostName)
            {
                return null;
            }

            if (await j.Store.GetAsync(j.Keys.Member(owner.Host), ct).ConfigureAwait(false) is not { } entry || Read<MemberRecord>(entry.Value) is not { } member)
            {
                return HospesError.Unavailable($"VM '{vm}' is owned by host '{owner.Host}', which is no longer a member of cluster '{j.Config.Name}'; its owner key stays until the VM is deleted or moved");
            }

            bool up = await j.Store.GetAsync(j.Keys.Host(owner.Host), ct).ConfigureAwait(false) is not null;
            return new RemoteOwner(member, up);
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable($"cannot tell which host owns VM '{vm}': {e.Message}");
        }
    }

    /// <summary>The member whose hospesd certificate has <paramref name="fingerprint"/>, or null (not a member, or no cluster).</summary>
    public async Task<MemberRecord?> MemberByFingerprintAsync(string fingerprint, CancellationToken ct)
    {
        if (_joined is not { } j)
        {
            return null;
        }

        IReadOnlyList<StoreEntry> members = await j.Store.ListAsync(j.Keys.Members, ct).ConfigureAwait(false);
        return members.Select(e => Read<MemberRecord>(e.Value))
            .FirstOrDefault(m => m is not null && string.Equals(m.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Members, who is up with what, who is cordoned, and every VM's owner; an error when etcd does not answer.</summary>
    public async Task<Result<ClusterView>> ViewAsync(CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return error;
        }

        Joined j = _joined!;
        try
        {
            IReadOnlyList<StoreEntry> members = await j.Store.ListAsync(j.Keys.Members, ct).ConfigureAwait(false);
            IReadOnlyList<StoreEntry> up = await j.Store.ListAsync(j.Keys.Hosts, ct).ConfigureAwait(false);
            IReadOnlyList<StoreEntry> cordoned = await j.Store.ListAsync(j.Keys.Cordoned, ct).ConfigureAwait(false);
            IReadOnlyList<StoreEntry> vms = await j.Store.ListAsync(j.Keys.Vms, ct).ConfigureAwait(false);
            return new ClusterView(
                [.. members.Select(e => Read<MemberRecord>(e.Value)).OfType<MemberRecord>()],
                up.Select(e => (Name: ClusterKeys.NameOf(e.Key), Resources: Read<HostResources>(e.Value) ?? new HostResources()))
                    .ToDictionary(e => e.Name, e => e.Resources, StringComparer.Ordinal),
                cordoned.Select(e => ClusterKeys.NameOf(e.Key)).ToHashSet(StringComparer.Ordinal),
                vms.Select(e => (Name: ClusterKeys.NameOf(e.Key), Owner: Read<VmOwner>(e.Value)))
                    .Where(e => e.Owner is not null)
                    .ToDictionary(e => e.Name, e => e.Owner!, StringComparer.Ordinal));
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable(e.Message);
        }
    }

    /// <summary>The other members up now, by their `members/` record (no VM owners read): what the cluster-wide event stream asks every few seconds.</summary>
    public async Task<Result<IReadOnlyList<MemberRecord>>> OthersUpAsync(CancellationToken ct)
    {
        if (InCluster() is { } error)
        {
            return error;
        }

        Joined j = _joined!;
        try
        {
            IReadOnlyList<StoreEntry> members = await j.Store.ListAsync(j.Keys.Members, ct).ConfigureAwait(false);
            var up = (await j.Store.ListAsync(j.Keys.Hosts, ct).ConfigureAwait(false)).Select(e => ClusterKeys.NameOf(e.Key)).ToHashSet(StringComparer.Ordinal);
            return Result.Ok<IReadOnlyList<MemberRecord>>([.. members.Select(e => Read<MemberRecord>(e.Value)).OfType<MemberRecord>().Where(m => m.Name != HostName && up.Contains(m.Name))]);
        }
        catch (ClusterStoreException e)
        {
            return HospesError.Unavailable(e.Message);
        }
    }
}
