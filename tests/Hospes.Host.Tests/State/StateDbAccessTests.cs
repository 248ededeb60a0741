using Hospes.Host.Access;
using Hospes.Host.State;
using Hospes.Host.Tests.Access;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.Tests.State;

public sealed class StateDbAccessTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly TempDir _dir = new();
    private readonly StateDb _db;

    public StateDbAccessTests()
    {
        _db = new StateDb(_dir.File("h.db"));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheNewTables_AreInSchema7_WithProjectsInTheDomain()
    {
        using var c = new SqliteConnection($"Data Source={_dir.File("h.db")}");
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";

        Assert.Equal(8L, cmd.ExecuteScalar()); // schema 8 (issue 16) added vms.ram_file
        _ = new StateDb(_dir.File("h.db"));
    }

    [Fact]
    public void Users_SurviveAReopen_AndANameIsTakenOnce()
    {
        var alice = new UserRecord("alice", "pbkdf2-sha256$600000$x$y", Now.AddDays(30), Enabled: true, Now);
        Assert.True(_db.TryInsertUser(alice));
        Assert.False(_db.TryInsertUser(alice with { PasswordHash = null }));
        Assert.True(_db.UpdateUser(alice with { Enabled = false, Expires = null }));
        Assert.False(_db.UpdateUser(alice with { Name = "nobody" }));

        UserRecord loaded = new StateDb(_dir.File("h.db")).FindUser("alice")!;

        Assert.Equal(alice with { Enabled = false, Expires = null }, loaded);
        Assert.Null(_db.FindUser("bob"));
    }

    [Fact]
    public void DeletingAUser_TakesItsTokensMembershipsAndEntries_AndNoOneElses()
    {
        AddUser("al");
        AddUser("alice");
        _db.TryInsertGroup("team3", Now);
        _db.AddGroupMember("team3", "al");
        _db.AddGroupMember("team3", "alice");
        Assert.True(_db.TryInsertToken(Token("al", "ci")));
        Assert.True(_db.TryInsertToken(Token("alice", "ci")));
        _db.SetAcl(Lab.Entry("/", "user:al", "Auditor"));
        _db.SetAcl(Lab.Entry("/", "token:al!ci", "Auditor"));
        _db.SetAcl(Lab.Entry("/", "token:alice!ci", "Auditor"));

        Assert.True(_db.DeleteUser("al"));

        Assert.Equal(["alice"], _db.LoadUsers().Select(u => u.Name));
        Assert.Equal(["alice"], _db.LoadGroups()["team3"]);
        Assert.Empty(_db.LoadTokens("al"));
        Assert.Equal(["alice!ci"], _db.LoadAcl().Select(e => e.Subject.Name));
        Assert.False(_db.DeleteUser("al"));
    }

    [Fact]
    public void Groups_KeepTheirMembers_AndDeletingOneTakesItsEntries()
    {
        Assert.True(_db.TryInsertGroup("team3", Now));
        Assert.False(_db.TryInsertGroup("team3", Now));
        Assert.True(_db.TryInsertGroup("empty", Now));
        Assert.True(_db.AddGroupMember("team3", "carol"));
        Assert.False(_db.AddGroupMember("team3", "carol"));
        _db.AddGroupMember("team3", "dave");
        _db.SetAcl(Lab.Entry("/projects/lab1", "group:team3", "Operator"));

        Assert.Equal(["carol", "dave"], _db.LoadGroups()["team3"]);
        Assert.Empty(_db.LoadGroups()["empty"]);
        Assert.True(_db.RemoveGroupMember("team3", "dave"));
        Assert.True(_db.DeleteGroup("team3"));
        Assert.Empty(_db.LoadAcl());
        Assert.Equal(["empty"], _db.LoadGroups().Keys);
    }

    [Fact]
    public void AToken_IsFoundByItsId_KeepsOnlyTheHash_AndRevokingTakesItsEntries()
    {
        ApiToken secret = ApiToken.New();
        TokenRecord token = new(secret.Id, "alice", "ci", secret.SecretSha256, Now.AddDays(3), PrivilegeSeparated: true, Now);
        Assert.True(_db.TryInsertToken(token));
        Assert.False(_db.TryInsertToken(Token("alice", "ci")));
        _db.SetAcl(Lab.Entry("/", "token:alice!ci", "Auditor"));

        Assert.Equal(token, _db.FindToken(secret.Id));
        Assert.DoesNotContain(secret.Secret, File.ReadAllText(_dir.File("h.db")) + File.ReadAllText(_dir.File("h.db-wal")), StringComparison.Ordinal);
        Assert.True(_db.DeleteToken("alice", "ci"));
        Assert.Null(_db.FindToken(secret.Id));
        Assert.Empty(_db.LoadAcl());
    }

    [Fact]
    public void AclEntries_RoundTrip_AndSettingOneAgainChangesItsPropagation()
    {
        _db.SetAcl(Lab.Entry("/projects/lab1/disks/web/xvda", "user:carol", "Auditor"));
        _db.SetAcl(Lab.Entry("/projects/lab1", "group:team3", "Operator"));
        _db.SetAcl(Lab.Entry("/projects/lab1", "group:team3", "Operator", propagate: false));

        Assert.Equal([Lab.Entry("/projects/lab1", "group:team3", "Operator", propagate: false), Lab.Entry("/projects/lab1/disks/web/xvda", "user:carol", "Auditor")], _db.LoadAcl());
        Assert.True(_db.RemoveAcl(Lab.Entry("/projects/lab1", "group:team3", "Operator")));
        Assert.False(_db.RemoveAcl(Lab.Entry("/projects/lab1", "group:team3", "Operator")));
    }

    [Fact]
    public void ACustomRole_IsKept_AndCannotBeDeletedWhileGranted()
    {
        Assert.True(_db.TryInsertRole(Lab.Snapshotter));
        Assert.False(_db.TryInsertRole(Lab.Snapshotter with { Name = "snapshotter" }));
        _db.SetAcl(Lab.Entry("/projects/lab1", "user:sam", "Snapshotter"));

        Assert.Equal([Lab.Snapshotter], _db.LoadRoles());
        Assert.Equal("role 'Snapshotter' is granted on /projects/lab1; remove its ACL entries first (hospes acl list shows them)", _db.DeleteRole("Snapshotter")?.Message);
        _db.RemoveAcl(Lab.Entry("/projects/lab1", "user:sam", "Snapshotter"));
        Assert.Null(_db.DeleteRole("Snapshotter"));
        Assert.Equal(Hospes.Core.Errors.ErrorCode.NotFound, _db.DeleteRole("Snapshotter")?.Code);
    }

    [Fact]
    public void Projects_KeepTheirLimits_AndDeletingOneTakesOnlyItsEntries()
    {
        Assert.True(_db.TryInsertProject(new ProjectRecord("lab1", new ProjectLimits(40, 65536, 80), Now)));
        Assert.False(_db.TryInsertProject(new ProjectRecord("lab1", ProjectLimits.None, Now)));
        Assert.True(_db.TryInsertProject(new ProjectRecord("lab10", ProjectLimits.None, Now)));
        Assert.True(_db.SetProjectLimits("lab1", new ProjectLimits(Vms: 41)));
        _db.SetAcl(Lab.Entry("/projects/lab1", "group:teachers", "ProjectAdmin"));
        _db.SetAcl(Lab.Entry("/projects/lab1/vms/web", "user:carol", "LabStudent"));
        _db.SetAcl(Lab.Entry("/projects/lab10", "group:teachers", "ProjectAdmin"));

        Assert.Equal([new ProjectRecord("lab1", new ProjectLimits(Vms: 41), Now), new ProjectRecord("lab10", ProjectLimits.None, Now)], _db.LoadProjects().Where(p => p.Name != "default"));
        Assert.True(_db.DeleteProject("lab1"));
        Assert.Equal(["/projects/lab10"], _db.LoadAcl().Select(e => e.Path.Value));
        Assert.Equal(["default", "lab10"], _db.LoadProjects().Select(p => p.Name));
    }

    [Fact]
    public void TheAuditLog_IsReadNewestFirst_ByUserAndTime()
    {
        _db.AppendAudit(new AuditEntry(Now.AddHours(-2), "alice", "192.0.2.7", "vm.start", "/projects/lab1/vms/web", "ok"));
        _db.AppendAudit(new AuditEntry(Now.AddMinutes(-30), "bob", null, "acl.set", "/projects/lab1", "refused: Permissions.Modify"));
        _db.AppendAudit(new AuditEntry(Now.AddMinutes(-10), "alice", "192.0.2.7", "vm.stop", "/projects/lab1/vms/web", "ok"));
        _db.AppendAudit(new AuditEntry(Now.AddMinutes(-5), "alice!ci", "192.0.2.8", "vm.pause", "/projects/lab1/vms/web", "ok"));
        _db.AppendAudit(new AuditEntry(Now.AddMinutes(-4), "alicia", "192.0.2.9", "vm.reboot", "/projects/lab1/vms/web", "ok"));

        Assert.Equal(["vm.reboot", "vm.pause", "vm.stop", "acl.set", "vm.start"], _db.LoadAudit().Select(a => a.Action));

        // A user's rows are theirs and their tokens' (never another user's whose name begins alike); a token's only its own.
        Assert.Equal(["vm.pause", "vm.stop", "vm.start"], _db.LoadAudit(user: "alice").Select(a => a.Action));
        Assert.Equal(["vm.pause"], _db.LoadAudit(user: "alice!ci").Select(a => a.Action));
        Assert.Equal(["vm.reboot", "vm.pause", "vm.stop", "acl.set"], _db.LoadAudit(since: Now.AddHours(-1)).Select(a => a.Action));
        Assert.Equal(new AuditEntry(Now.AddMinutes(-30), "bob", null, "acl.set", "/projects/lab1", "refused: Permissions.Modify"), _db.LoadAudit(user: "bob").Single());
    }

    [Fact]
    public void ThePolicy_IsMadeFromWhatIsStored()
    {
        _db.TryInsertRole(Lab.Snapshotter);
        _db.TryInsertGroup("team3", Now);
        _db.AddGroupMember("team3", "carol");
        _db.SetAcl(Lab.Entry("/projects/lab1", "group:team3", "Snapshotter"));

        AccessPolicy policy = _db.LoadAccessPolicy();

        Assert.True(policy.Allows(Principal.OfUser("carol"), Privilege.VmSnapshot, Lab.Path("/projects/lab1/vms/web")));
        Assert.False(policy.Allows(Principal.OfUser("dave"), Privilege.VmSnapshot, Lab.Path("/projects/lab1/vms/web")));
    }

    private void AddUser(string name) => Assert.True(_db.TryInsertUser(new UserRecord(name, null, null, Enabled: true, Now)));

    private static TokenRecord Token(string user, string name)
    {
        ApiToken t = ApiToken.New();
        return new TokenRecord(t.Id, user, name, t.SecretSha256, null, PrivilegeSeparated: false, Now);
    }
}
