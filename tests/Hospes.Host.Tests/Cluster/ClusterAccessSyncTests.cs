using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Access;
using Hospes.Host.State;
using Hospes.Host.Tests.Migration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

/// <summary>
/// Access data shared by two members (two state DBs) through one fake etcd: what one writes the other takes, a write
/// that lost the race is made again on the winner's copy, a store that cannot take it leaves nothing changed, and a
/// join's check names what the joining host would lose.
/// </summary>
public sealed class ClusterAccessSyncTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
    private readonly FakeClusterStore _store = new();
    private readonly ClusterKeys _keys = new("course");
    private readonly TempDir _dir = new();
    private readonly StateDb _dbA;
    private readonly StateDb _dbB;
    private readonly ClusterAccess _a;
    private readonly ClusterAccess _b;
    private int _replacedOnB;

    public ClusterAccessSyncTests()
    {
        _dbA = new StateDb(_dir.File("a.db"));
        _dbB = new StateDb(_dir.File("b.db"));
        _a = new ClusterAccess(_store, _keys.Access, _dbA, "host-a", TimeProvider.System, NullLogger.Instance, () => { });
        _b = new ClusterAccess(_store, _keys.Access, _dbB, "host-b", TimeProvider.System, NullLogger.Instance, () => _replacedOnB++);
    }

    [Fact]
    public async Task AUserAndTokenMadeOnA_AreOnB_AfterItsPoll_AndATokenDeletedOnA_IsGoneFromB()
    {
        Assert.True(_dbA.TryInsertUser(User("alice")));
        await _a.PublishAsync(CancellationToken.None);
        Assert.Equal(1, _a.Version);

        Ok(await _a.WriteAsync(() => Change(_dbA.TryInsertToken(Token("alice", "cli"))), CancellationToken.None));
        Assert.True(await _b.PollAsync(CancellationToken.None));

        Assert.Equal("hash-alice", _dbB.FindUser("alice")!.PasswordHash);
        Assert.Equal("sha-alice-cli", _dbB.FindToken("id-alice-cli")!.SecretSha256);
        Assert.Equal(2, _b.Version);
        Assert.Equal(1, _replacedOnB);
        Assert.False(await _b.PollAsync(CancellationToken.None));

        Ok(await _a.WriteAsync(() => Change(_dbA.DeleteToken("alice", "cli")), CancellationToken.None));
        Assert.True(await _b.PollAsync(CancellationToken.None));
        Assert.Null(_dbB.FindToken("id-alice-cli"));
        Assert.NotNull(_dbB.FindUser("alice"));
    }

    [Fact]
    public async Task AWriteOnA_IsTakenOnB_ByItsWatch_WithoutWaitingForThePoll()
    {
        // B's clock never moves: its poll never comes again after the first, so only the watch can wake it.
        int replaced = 0;
        await using var b = new ClusterAccess(_store, _keys.Access, _dbB, "host-b", new ManualTime(), NullLogger.Instance, () => Interlocked.Increment(ref replaced));
        b.Start();
        await Until(() => _store.Watches == 1, "B's watch opens");

        Assert.True(_dbA.TryInsertUser(User("alice")));
        await _a.PublishAsync(CancellationToken.None);
        await Until(() => b.Version == 1, "B takes version 1");
        Assert.NotNull(_dbB.FindUser("alice"));

        // Again: the signal is armed anew after each wake.
        Ok(await _a.WriteAsync(() => Change(_dbA.TryInsertToken(Token("alice", "cli"))), CancellationToken.None));
        await Until(() => b.Version == 2, "B takes version 2");
        Assert.Equal("sha-alice-cli", _dbB.FindToken("id-alice-cli")!.SecretSha256);
        Assert.Equal(2, Volatile.Read(ref replaced));
    }

    [Fact]
    public async Task AWriteThatLostTheRace_TakesTheWinnersCopy_AndIsMadeAgainOnIt()
    {
        await _a.PublishAsync(CancellationToken.None);
        await _b.PollAsync(CancellationToken.None);
        int runs = 0;

        Result<bool> r = await _b.WriteAsync<bool>(
            async () =>
            {
                if (++runs == 1)
                {
                    // A writes between B's read and B's write.
                    Ok(await _a.WriteAsync(() => Change(_dbA.TryInsertUser(User("anna"))), CancellationToken.None));
                }

                return await Change(_dbB.TryInsertUser(User("bert")));
            },
            CancellationToken.None);

        Ok(r);
        Assert.Equal(2, runs);
        Assert.NotNull(_dbB.FindUser("anna"));
        Assert.NotNull(_dbB.FindUser("bert"));
        Assert.Equal(3, _b.Version);
        await _a.PollAsync(CancellationToken.None);
        Assert.Equal(["anna", "bert"], _dbA.LoadUsers().Select(u => u.Name));
        Assert.Equal(3, AccessSnapshot.Parse((await _store.GetAsync(_keys.Access, CancellationToken.None))!.Value)!.Version);
    }

    [Fact]
    public async Task WithoutTheStore_AWriteIsRefusedBeforeAnythingChanges_AndOneItCannotPublishIsUndone()
    {
        await _a.PublishAsync(CancellationToken.None);
        _store.Unreachable = true;
        bool ran = false;
        Result<bool> refused = await _a.WriteAsync(() => { ran = true; return Change(_dbA.TryInsertUser(User("x"))); }, CancellationToken.None);
        Assert.False(refused.IsOk);
        Assert.False(ran);
        Assert.Contains("nothing was changed", refused.Error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot reach etcd at https://fake:2379", refused.Error.Message, StringComparison.Ordinal);

        _store.Unreachable = false;
        Result<bool> undone = await _a.WriteAsync(
            () =>
            {
                bool made = _dbA.TryInsertUser(User("y"));
                _store.Unreachable = true; // quorum lost between the read and the write
                return Change(made);
            },
            CancellationToken.None);
        _store.Unreachable = false;
        Assert.False(undone.IsOk);
        Assert.Null(_dbA.FindUser("y"));
        Assert.Equal(1, _a.Version);
    }

    [Fact]
    public async Task ARefusedChange_PublishesNothing()
    {
        await _a.PublishAsync(CancellationToken.None);
        Result<bool> r = await _a.WriteAsync(() => Task.FromResult<Result<bool>>(HospesError.NotFound("no such user")), CancellationToken.None);
        Assert.False(r.IsOk);
        Assert.Equal(1, AccessSnapshot.Parse((await _store.GetAsync(_keys.Access, CancellationToken.None))!.Value)!.Version);
    }

    [Fact]
    public async Task AJoinsCheck_NamesWhatTheJoiningHostHasAndTheClusterHasNot()
    {
        Assert.True(_dbA.TryInsertUser(User("alice")));
        await _a.PublishAsync(CancellationToken.None);
        Assert.True(_dbB.TryInsertUser(User("alice")));
        Assert.True(_dbB.TryInsertUser(User("zed")));
        Assert.True(_dbB.TryInsertToken(Token("zed", "ci")));
        _dbB.SetAcl(new AclEntry(AclPath.Parse("/projects/default/vms/web").Value, new AclSubject(SubjectKind.User, "zed"), "Admin", true));

        IReadOnlyList<string> missing = AccessSnapshot.Missing(AccessSnapshot.Items(_dbB.LoadAccessTables()), await _a.ClusterTablesAsync(CancellationToken.None));

        Assert.Equal(["user zed", "token zed!ci", "grant Admin on /projects/default/vms/web to User zed"], missing);
        Assert.Empty(AccessSnapshot.Missing(AccessSnapshot.Items(new StateDb(_dir.File("fresh.db")).LoadAccessTables()), _dbA.LoadAccessTables()));
    }

    [Fact]
    public void ReplacingTheTables_IsWhole_AndKeepsTheDefaultProject()
    {
        Assert.True(_dbB.TryInsertUser(User("old")));
        Assert.True(_dbA.TryInsertUser(User("new")));
        AccessTables a = _dbA.LoadAccessTables() with { Projects = [] };

        IReadOnlyList<string> kept = _dbB.ReplaceAccessTables(a);

        Assert.Equal(["new"], _dbB.LoadUsers().Select(u => u.Name));
        Assert.Contains("default", kept);
        Assert.Contains(_dbB.LoadProjects(), p => p.Name == "default");
    }

    public void Dispose()
    {
        _a.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _b.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        _dir.Dispose();
    }

    private static async Task Until(Func<bool> done, string what)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !done(); await Task.Delay(20))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{what}: not within 30 s");
        }
    }

    private static UserRecord User(string name) => new(name, $"hash-{name}", null, true, Created);

    private static TokenRecord Token(string user, string name) => new($"id-{user}-{name}", user, name, $"sha-{user}-{name}", null, false, Created);

    private static Task<Result<bool>> Change(bool done) => Task.FromResult<Result<bool>>(done ? true : HospesError.Conflict("not done"));

    private static void Ok<T>(Result<T> r) => Assert.True(r.IsOk, r.IsOk ? "" : r.Error.Message);
}
