using Hospes.Core.Errors;
using Hospes.Host.Cluster.Store;
using Hospes.Host.State;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Cluster.Access;

/// <summary>
/// Keeps this member's access tables a copy of the cluster's (the `access` key, an <see cref="AccessSnapshot"/>). A
/// local change runs under one lock: the cluster's copy is read (no quorum: refused before anything changes) and taken
/// when this host does not have it yet, the change is made in SQLite, and the new tables are written with a compare on
/// the key's value (each write raises the version, so an equal value is the same write). Another host wrote in between:
/// its copy is taken and the change made again on it. etcd refused or did not answer: the tables go back to what they
/// were. A watch on the key wakes this host as soon as another writes it, and every <see cref="PollEvery"/> the key is
/// read anyway (a watch cut off without a word must not leave a revocation unseen for long); a newer copy replaces the
/// tables in one transaction, then <c>replaced</c> runs (the access gate takes its policy anew). Logins read the tables
/// per request, so nothing else is cached.
/// </summary>
internal sealed partial class ClusterAccess : IAsyncDisposable
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);
    private const int MaxTries = 8;
    private readonly IClusterStore _store;
    private readonly string _key;
    private readonly StateDb _db;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Action _replaced;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private Task? _watch;
    private string? _applied;
    private long _seenRevision;
    private string? _lastFailure;

    public ClusterAccess(IClusterStore store, string key, StateDb db, string host, TimeProvider time, ILogger log, Action replaced)
    {
        _store = store;
        _key = key;
        _db = db;
        _host = host;
        _time = time;
        _log = log;
        _replaced = replaced;
    }

    /// <summary>The version of the cluster's copy these tables are; 0 before the first was taken or written.</summary>
    public long Version { get; private set; }

    public void Start()
    {
        _loop ??= RunAsync(_stop.Token);
        _watch ??= WatchAsync(_stop.Token);
    }

    /// <summary>Makes <paramref name="change"/> on the cluster's access data (see the class); its result, or why it was refused.</summary>
    public async Task<Result<T>> WriteAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                StoreEntry? current;
                try
                {
                    current = await _store.GetAsync(_key, ct).ConfigureAwait(false);
                }
                catch (ClusterStoreException e)
                {
                    return Refused(e);
                }

                AccessSnapshot? remote = null;
                if (current is not null)
                {
                    if ((remote = AccessSnapshot.Parse(current.Value)) is null)
                    {
                        return Unreadable();
                    }

                    if (current.Value != _applied)
                    {
                        Apply(current.Value, remote, Read.Write);
                    }
                }

                AccessTables before = _db.LoadAccessTables();
                Result<T> result = await change().ConfigureAwait(false);
                AccessTables after = _db.LoadAccessTables();
                if (Same(before, after) && current is not null)
                {
                    return result;
                }

                var next = new AccessSnapshot { Version = (remote?.Version ?? 0) + 1, Writer = _host, WrittenAt = _time.GetUtcNow(), Tables = after };
                string json = next.ToJson();
                IReadOnlyList<StorePut> put = [new StorePut(_key, json, 0)];
                bool written;
                try
                {
                    written = current is null
                        ? await _store.CreateAllAsync(put, ct).ConfigureAwait(false)
                        : await _store.PutAllIfAsync(_key, current.Value, put, ct).ConfigureAwait(false);
                }
                catch (ClusterStoreException e)
                {
                    Undo(before);
                    return Refused(e);
                }
                catch (OperationCanceledException)
                {
                    Undo(before);
                    throw;
                }

                if (written)
                {
                    _applied = json;
                    Version = next.Version;
                    LogPublished(next.Version);
                    return result;
                }

                // Another member wrote first: the next round takes its copy (which undoes ours) and makes the change again.
                Undo(before);
                if (attempt == MaxTries)
                {
                    return HospesError.Unavailable($"the cluster's access data changed {MaxTries} times while this change was made; nothing was changed here, try again");
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Takes the cluster's copy when it is newer than this host's tables; true when it replaced them. Tests call it directly.</summary>
    public Task<bool> PollAsync(CancellationToken ct) => PollAsync(Read.Poll, ct);

    private async Task<bool> PollAsync(Read how, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            StoreEntry? current = await _store.GetAsync(_key, ct).ConfigureAwait(false);
            if (current is not null)
            {
                _seenRevision = Math.Max(_seenRevision, current.ModRevision);
            }

            if (current is null || current.Value == _applied)
            {
                return false;
            }

            if (AccessSnapshot.Parse(current.Value) is not { } remote)
            {
                LogUnreadable(_key);
                return false;
            }

            Apply(current.Value, remote, how);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>`cluster init`: this host's tables become the cluster's copy (version 1); a copy there already is taken instead.</summary>
    public async Task PublishAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var first = new AccessSnapshot { Version = 1, Writer = _host, WrittenAt = _time.GetUtcNow(), Tables = _db.LoadAccessTables() };
            string json = first.ToJson();
            if (await _store.CreateAllAsync([new StorePut(_key, json, 0)], ct).ConfigureAwait(false))
            {
                _applied = json;
                Version = 1;
                LogPublished(1);
            }
        }
        finally
        {
            _lock.Release();
        }

        await PollAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The cluster's access tables, for a join's check; a cluster made before they were shared has none: this member's own then.</summary>
    public async Task<AccessTables> ClusterTablesAsync(CancellationToken ct) =>
        await _store.GetAsync(_key, ct).ConfigureAwait(false) is { } entry && AccessSnapshot.Parse(entry.Value) is { } snapshot
            ? snapshot.Tables
            : _db.LoadAccessTables();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_watch is not null)
        {
            await _watch.ConfigureAwait(false);
        }

        _stop.Dispose();
        _lock.Dispose();
    }

    internal static bool Same(AccessTables a, AccessTables b) =>
        new AccessSnapshot { Tables = a }.ToJson() == new AccessSnapshot { Tables = b }.ToJson();

    private void Apply(string json, AccessSnapshot remote, Read how)
    {
        IReadOnlyList<string> kept = _db.ReplaceAccessTables(remote.Tables);
        _applied = json;
        Version = remote.Version;
        LogTaken(remote.Version, remote.Writer, how switch
        {
            Read.Watch => "seen by its watch",
            Read.Write => "read before a change here",
            _ => "read by the poll",
        });
        foreach (string project in kept.Where(p => p != "default"))
        {
            LogProjectKept(project);
        }

        _replaced();
    }

    private void Undo(AccessTables before)
    {
        _db.ReplaceAccessTables(before);
        _replaced();
    }

    private static HospesError Refused(ClusterStoreException e) =>
        HospesError.Unavailable($"access data (users, groups, tokens, ACL, roles, projects, certificates) is the cluster's, and its store cannot take the change, so nothing was changed: {e.Message}");

    private HospesError Unreadable() =>
        HospesError.Unavailable($"the cluster's access data (etcd key {_key}) is not one this hospesd can read (written by a newer version?); nothing was changed; update hospesd on this host");

    private async Task RunAsync(CancellationToken ct)
    {
        Read how = Read.Poll;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await PollAsync(how, ct).ConfigureAwait(false);
                _lastFailure = null;
            }
            catch (ClusterStoreException e)
            {
                if (e.Message != _lastFailure)
                {
                    LogStoreFailed(e.Message);
                    _lastFailure = e.Message;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                how = await ChangedOrPollDueAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
