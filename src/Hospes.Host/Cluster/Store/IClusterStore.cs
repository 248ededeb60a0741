namespace Hospes.Host.Cluster.Store;

/// <summary>
/// The few things Hospes asks of the cluster's store (etcd): keys, compare-and-create, leases, watches, an election and
/// the store's own membership. Every call fails with <see cref="ClusterStoreException"/>, whose message names the store
/// and what to do; nothing else escapes.
/// </summary>
internal interface IClusterStore : IDisposable
{
    Task<StoreEntry?> GetAsync(string key, CancellationToken ct);

    /// <summary>Every key under <paramref name="prefix"/>, in key order.</summary>
    Task<IReadOnlyList<StoreEntry>> ListAsync(string prefix, CancellationToken ct);

    /// <param name="lease">0: the key lives until deleted.</param>
    Task PutAsync(string key, string value, long lease, CancellationToken ct);

    /// <summary>Deletes one key; true when it was there.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken ct);

    /// <summary>
    /// All or nothing: every key of <paramref name="puts"/> is created only when none of them exists yet. False, and
    /// nothing written, when any did.
    /// </summary>
    Task<bool> CreateAllAsync(IReadOnlyList<StorePut> puts, CancellationToken ct);

    /// <summary>Deletes <paramref name="key"/> only while its value is <paramref name="value"/>; true when it did.</summary>
    Task<bool> DeleteIfAsync(string key, string value, CancellationToken ct);

    /// <summary>
    /// All or nothing: every put of <paramref name="puts"/> is made only while <paramref name="key"/>'s value is
    /// <paramref name="expected"/>; false, and nothing written, when it is not (HA moves a VM's owner with it).
    /// </summary>
    Task<bool> PutAllIfAsync(string key, string expected, IReadOnlyList<StorePut> puts, CancellationToken ct);

    /// <summary>
    /// All or nothing: the keys of <paramref name="creates"/> are created and the <paramref name="puts"/> made only while
    /// none of those keys exists and <paramref name="key"/>'s value is <paramref name="expected"/>; false, and nothing
    /// written, otherwise (a VM's claim with its project's usage revision).
    /// </summary>
    Task<bool> CreateAllIfAsync(IReadOnlyList<StorePut> creates, string key, string expected, IReadOnlyList<StorePut> puts, CancellationToken ct);

    /// <summary>
    /// All or nothing: every put of <paramref name="puts"/> is made only while every one of <paramref name="compares"/>
    /// holds; false, and nothing written, otherwise (a join's claims with each of its projects' counters; an HA move's
    /// owner with the VM's usage key).
    /// </summary>
    Task<bool> CommitIfAsync(IReadOnlyList<StoreCompare> compares, IReadOnlyList<StorePut> puts, CancellationToken ct);

    /// <summary>A new lease of <paramref name="ttl"/>; its id.</summary>
    Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct);

    /// <summary>Renews a lease; its time left after the renewal, or <see cref="TimeSpan.Zero"/> when it expired.</summary>
    Task<TimeSpan> KeepAliveAsync(long lease, CancellationToken ct);

    Task RevokeLeaseAsync(long lease, CancellationToken ct);

    /// <summary>Changes under <paramref name="prefix"/> after <paramref name="afterRevision"/>, until cancelled.</summary>
    IAsyncEnumerable<StoreChange> WatchAsync(string prefix, long afterRevision, CancellationToken ct);

    /// <summary>Waits until this caller leads election <paramref name="name"/>; its leadership lives on <paramref name="lease"/>.</summary>
    Task CampaignAsync(string name, long lease, string value, CancellationToken ct);

    /// <summary>The store's members (etcd's), each with its role.</summary>
    Task<IReadOnlyList<StoreMember>> MembersAsync(CancellationToken ct);

    /// <summary>Adds a member that will listen for its peers at <paramref name="peerUrl"/>; its id.</summary>
    Task<ulong> AddMemberAsync(string peerUrl, bool learner, CancellationToken ct);

    Task RemoveMemberAsync(ulong id, CancellationToken ct);

    /// <summary>Makes learner <paramref name="id"/> a voter (etcd refuses one not yet caught up with its leader).</summary>
    Task PromoteMemberAsync(ulong id, CancellationToken ct);

    /// <summary>The member this client reached: its id and its leader's.</summary>
    Task<StoreStatus> StatusAsync(CancellationToken ct);
}
