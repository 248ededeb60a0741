using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Store;

namespace Hospes.Host.Tests.Cluster;

/// <summary>An in-memory store with etcd's rules for what Hospes uses: revisions, compare-create, leases that expire when told.</summary>
internal sealed class FakeClusterStore : IClusterStore
{
    private readonly Dictionary<string, StoreEntry> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<long> _leases = [];
    private readonly List<(string Prefix, Channel<StoreChange> Changes)> _watches = [];
    private long _revision;
    private long _nextLease = 100;

    public bool Unreachable { get; set; }

    /// <summary>Puts fail, lease renewals are still answered: what a cut-off etcd leader does until it steps down.</summary>
    public bool RefusePuts { get; set; }

    public int Grants { get; private set; }

    /// <summary>Runs once, just before the next transaction of <see cref="CreateAllIfAsync"/>, <see cref="CreateAllAsync"/>, <see cref="PutAllIfAsync"/> or <see cref="CommitIfAsync"/> (another host's write in between).</summary>
    public Action? BeforeTransaction { get; set; }

    /// <summary>Writes <paramref name="member"/>'s record, as `cluster init` and `join` do before its membership starts; returns it.</summary>
    public MemberRecord Register(ClusterKeys keys, MemberRecord member)
    {
        Set(new StoreEntry(keys.Member(member.Name), System.Text.Json.JsonSerializer.Serialize(member, Hospes.Core.Json.HospesJson.Options), ++_revision, _revision, 0));
        return member;
    }

    /// <summary>The lease expires: its keys go, as etcd does after its TTL.</summary>
    public void Expire(long lease)
    {
        _leases.Remove(lease);
        foreach (string key in _keys.Where(k => k.Value.Lease == lease).Select(k => k.Key).ToList())
        {
            _keys.Remove(key);
        }
    }

    public Task<StoreEntry?> GetAsync(string key, CancellationToken ct) => Do(() => _keys.GetValueOrDefault(key));

    public Task<IReadOnlyList<StoreEntry>> ListAsync(string prefix, CancellationToken ct) =>
        Do<IReadOnlyList<StoreEntry>>(() => [.. _keys.Values.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal)]);

    public Task PutAsync(string key, string value, long lease, CancellationToken ct) => Do(() =>
    {
        if (RefusePuts)
        {
            throw new ClusterStoreException("etcd at fake cannot commit a change (context deadline exceeded)");
        }

        if (lease != 0 && !_leases.Contains(lease))
        {
            throw new ClusterStoreException("etcd at fake refused: etcdserver: requested lease not found");
        }

        long created = _keys.TryGetValue(key, out StoreEntry? old) ? old.CreateRevision : _revision + 1;
        Set(new StoreEntry(key, value, created, ++_revision, lease));
        return true;
    });

    public Task<bool> DeleteAsync(string key, CancellationToken ct) => Do(() => _keys.Remove(key));

    public Task<bool> CreateAllAsync(IReadOnlyList<StorePut> puts, CancellationToken ct) => Do(() =>
    {
        Interleave();
        if (puts.Any(p => _keys.ContainsKey(p.Key)))
        {
            return false;
        }

        _revision++;
        foreach (StorePut p in puts)
        {
            Set(new StoreEntry(p.Key, p.Value, _revision, _revision, p.Lease));
        }

        return true;
    });

    public Task<bool> DeleteIfAsync(string key, string value, CancellationToken ct) =>
        Do(() => _keys.TryGetValue(key, out StoreEntry? e) && e.Value == value && _keys.Remove(key));

    public Task<bool> PutAllIfAsync(string key, string expected, IReadOnlyList<StorePut> puts, CancellationToken ct) => Do(() =>
    {
        Interleave();
        if (!_keys.TryGetValue(key, out StoreEntry? e) || e.Value != expected)
        {
            return false;
        }

        _revision++;
        foreach (StorePut p in puts)
        {
            long created = _keys.TryGetValue(p.Key, out StoreEntry? old) ? old.CreateRevision : _revision;
            Set(new StoreEntry(p.Key, p.Value, created, _revision, p.Lease));
        }

        return true;
    });

    public Task<bool> CreateAllIfAsync(IReadOnlyList<StorePut> creates, string key, string expected, IReadOnlyList<StorePut> puts, CancellationToken ct) => Do(() =>
    {
        Interleave();
        if (creates.Any(p => _keys.ContainsKey(p.Key)) || !_keys.TryGetValue(key, out StoreEntry? e) || e.Value != expected)
        {
            return false;
        }

        _revision++;
        foreach (StorePut p in creates.Concat(puts))
        {
            long created = _keys.TryGetValue(p.Key, out StoreEntry? old) ? old.CreateRevision : _revision;
            Set(new StoreEntry(p.Key, p.Value, created, _revision, p.Lease));
        }

        return true;
    });

    public Task<bool> CommitIfAsync(IReadOnlyList<StoreCompare> compares, IReadOnlyList<StorePut> puts, CancellationToken ct) => Do(() =>
    {
        Interleave();
        if (!compares.All(c => c.Value is null ? !_keys.ContainsKey(c.Key) : _keys.TryGetValue(c.Key, out StoreEntry? e) && e.Value == c.Value))
        {
            return false;
        }

        _revision++;
        foreach (StorePut p in puts)
        {
            long created = _keys.TryGetValue(p.Key, out StoreEntry? old) ? old.CreateRevision : _revision;
            Set(new StoreEntry(p.Key, p.Value, created, _revision, p.Lease));
        }

        return true;
    });

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct) => Do(() =>
    {
        Grants++;
        _leases.Add(++_nextLease);
        return _nextLease;
    });

    public Task<TimeSpan> KeepAliveAsync(long lease, CancellationToken ct) => Do(() => _leases.Contains(lease) ? TimeSpan.FromSeconds(10) : TimeSpan.Zero);

    public Task RevokeLeaseAsync(long lease, CancellationToken ct) => Do(() =>
    {
        Expire(lease);
        return true;
    });

    /// <summary>Puts made from now on (deletes are not told); <paramref name="afterRevision"/> is not replayed.</summary>
    public async IAsyncEnumerable<StoreChange> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken ct)
    {
        if (Unreachable)
        {
            throw new ClusterStoreException("cannot reach etcd at https://fake:2379");
        }

        var changes = Channel.CreateUnbounded<StoreChange>();
        lock (_watches)
        {
            _watches.Add((prefix, changes));
        }

        try
        {
            await foreach (StoreChange c in changes.Reader.ReadAllAsync(ct))
            {
                yield return c;
            }
        }
        finally
        {
            lock (_watches)
            {
                _watches.Remove((prefix, changes));
            }
        }
    }

    /// <summary>How many watches are open (a test waits for one before it writes).</summary>
    public int Watches
    {
        get
        {
            lock (_watches)
            {
                return _watches.Count;
            }
        }
    }

    public Task CampaignAsync(string name, long lease, string value, CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyList<StoreMember>> MembersAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<StoreMember>>([]);

    public Task<ulong> AddMemberAsync(string peerUrl, bool learner, CancellationToken ct) => Task.FromResult(1UL);

    public Task RemoveMemberAsync(ulong id, CancellationToken ct) => Task.CompletedTask;

    public Task PromoteMemberAsync(ulong id, CancellationToken ct) => Task.CompletedTask;

    public Task<StoreStatus> StatusAsync(CancellationToken ct) => Task.FromResult(new StoreStatus(1, 1, "fake"));

    public void Dispose()
    {
    }

    private void Set(StoreEntry e)
    {
        _keys[e.Key] = e;
        lock (_watches)
        {
            foreach ((string prefix, Channel<StoreChange> changes) in _watches.Where(w => e.Key.StartsWith(w.Prefix, StringComparison.Ordinal)))
            {
                changes.Writer.TryWrite(new StoreChange(e.Key, e.Value, false, e.ModRevision));
            }
        }
    }

    private void Interleave()
    {
        Action? before = BeforeTransaction;
        BeforeTransaction = null;
        before?.Invoke();
    }

    private Task<T> Do<T>(Func<T> action) =>
        Unreachable ? Task.FromException<T>(new ClusterStoreException("cannot reach etcd at https://fake:2379")) : Task.FromResult(action());
}
