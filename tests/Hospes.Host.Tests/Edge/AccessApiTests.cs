using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Edge;
using Hospes.Host.State;
using Hospes.Host.Tests.Access;
using Hospes.Host.Tests.Migration;

namespace Hospes.Host.Tests.Edge;

/// <summary>
/// The access API over a real state DB: what the route table cannot decide (delegation of an ACL entry, a user's own
/// tokens, what lists show), each refusal's words, that nothing half-made stays, and that the gate sees each change.
/// tina teaches lab1 (ProjectAdmin through group teachers); carol is a student.
/// </summary>
public sealed class AccessApiTests : IDisposable
{
    private static readonly Caller Root = Caller.LocalAdmin("root");
    private static readonly Caller Tina = new(Principal.OfUser("tina"), "192.0.2.1");
    private static readonly Caller Carol = new(Principal.OfUser("carol"), "192.0.2.2");
    private readonly TempDir _dir = new();
    private readonly StateDb _db;
    private readonly AccessGate _gate;
    private readonly AccessApi _api;
    private readonly ManualTime _time = new();

    public AccessApiTests()
    {
        _db = new StateDb(_dir.File("h.db"));
        _gate = new AccessGate(_db, new NoObjects());
        _api = new AccessApi(_db, _gate, _time);
        foreach (string user in new[] { "tina", "carol", "dave" })
        {
            Ok(_api.CreateUserAsync(new UserCreateRequest { Name = user }, CancellationToken.None).Result);
        }

        Ok(_api.CreateGroup(new GroupCreateRequest { Name = "teachers" }));
        Ok(_api.AddMember("teachers", new GroupMemberRequest { User = "tina" }));
        Ok(_api.SetAcl(Root, Entry("/projects/lab1", role: "ProjectAdmin", group: "teachers")));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AProjectAdmin_GrantingAdmin_IsRefused_AndNothingIsStored()
    {
        Result<AclEntryInfo> r = _api.SetAcl(Tina, Entry("/projects/lab1", role: "Admin", user: "carol"));

        Assert.Equal(ErrorCode.Forbidden, r.Error?.Code);
        Assert.Equal(
            "tina may not grant role Admin on /projects/lab1: it holds VM.Migrate, Project.Allocate, User.Modify, Sys.Audit, Sys.Modify that tina does not hold there; grant a role within your own privileges or ask an admin",
            r.Error?.Message);
        Assert.DoesNotContain(_db.LoadAcl(), e => e.Subject.Name == "carol");
    }

    [Fact]
    public void AProjectAdmin_GrantingInAnotherProject_IsRefused()
    {
        Assert.Equal(
            "tina may not change permissions on /projects/lab2: that needs Permissions.Modify there; ask someone who holds it (hospes acl list /projects/lab2)",
            _api.SetAcl(Tina, Entry("/projects/lab2", role: "LabStudent", user: "carol")).Error?.Message);
    }

    [Fact]
    public void AGrantWithinTheGrantersPrivileges_CountsForTheGate_AtOnce_AndItsRemovalToo()
    {
        Caller gateCarol = Carol;
        Assert.False(_gate.Authorize(gateCarol, "POST", Routes.VmStart, Values("web")).IsOk);

        AclEntryInfo set = Ok(_api.SetAcl(Tina, Entry("/projects/lab1/vms/web", role: "labstudent", user: "carol")));
        Assert.Equal(("LabStudent", "user", "carol", true), (set.Role, set.SubjectKind, set.Subject, set.Propagate));
        Assert.True(_gate.Authorize(gateCarol, "POST", Routes.VmStart, Values("web")).IsOk);

        Ok(_api.RemoveAcl(Tina, Entry("/projects/lab1/vms/web", role: "LabStudent", user: "carol")));
        Assert.False(_gate.Authorize(gateCarol, "POST", Routes.VmStart, Values("web")).IsOk);
    }

    [Fact]
    public void AGroupMembership_CountsForTheGate_AtOnce()
    {
        Assert.False(_gate.Policy.Allows(Carol.Principal, Privilege.PermissionsModify, Lab.Path("/projects/lab1")));

        Ok(_api.AddMember("teachers", new GroupMemberRequest { User = "carol" }));
        Assert.True(_gate.Policy.Allows(Carol.Principal, Privilege.PermissionsModify, Lab.Path("/projects/lab1")));

        Ok(_api.RemoveMember("teachers", "carol"));
        Assert.False(_gate.Policy.Allows(Carol.Principal, Privilege.PermissionsModify, Lab.Path("/projects/lab1")));
    }

    [Fact]
    public void ACustomRole_CountsAtOnce_AndCannotBeDeletedWhileGranted()
    {
        Ok(_api.CreateRole(new RoleCreateRequest { Name = "Watcher", Privileges = ["VM.Audit", "vm.console"] }));
        Ok(_api.SetAcl(Root, Entry("/projects/lab1", role: "Watcher", user: "dave")));
        Assert.True(_gate.Policy.Allows(Principal.OfUser("dave"), Privilege.VmConsole, Lab.Path("/projects/lab1/vms/web")));

        Assert.Equal(
            "role 'Watcher' is granted on /projects/lab1; remove its ACL entries first (hospes acl list shows them)",
            _api.DeleteRole("watcher").Error?.Message);
        Ok(_api.RemoveAcl(Root, Entry("/projects/lab1", role: "Watcher", user: "dave")));
        Assert.Equal("Watcher", Ok(_api.DeleteRole("watcher")).Name);
        Assert.Null(_gate.Policy.FindRole("Watcher"));
    }

    [Theory]
    [InlineData("projects/lab1", null, "ACL path 'projects/lab1': it must start with '/'")]
    [InlineData("/projects/lab1/boxes", null, "'boxes' is not a kind of object in a project")]
    [InlineData("/projects/lab1", "nobody", "user nobody does not exist; hospes user list shows the users, hospes user create nobody makes it")]
    public void ABadEntry_IsRefused_WithWhatIsWrong(string path, string? user, string message)
    {
        HospesError? error = _api.SetAcl(Root, Entry(path, role: "Operator", user: user ?? "carol")).Error;

        Assert.Contains(message, error?.Message, StringComparison.Ordinal);
        Assert.Single(_db.LoadAcl());
    }

    [Fact]
    public void AnEntry_NamesExactlyOneSubject_AndAKnownRole()
    {
        Assert.Equal(
            "ACL entry on /: name exactly one of user, group and token (given 2); for example --user alice, --group team3 or --token alice!ci",
            _api.SetAcl(Root, Entry("/", role: "Operator", user: "carol", group: "teachers")).Error?.Message);
        Assert.Equal(
            "role 'Wizard' does not exist; hospes role list shows the roles, hospes role create makes one",
            _api.SetAcl(Root, Entry("/", role: "Wizard", user: "carol")).Error?.Message);
        Assert.Equal(
            "user carol has no token named ci; hospes token list carol shows its tokens",
            _api.SetAcl(Root, Entry("/", role: "Operator", token: "carol!ci")).Error?.Message);
    }

    [Fact]
    public void RemovingAnEntryOfAnUnknownRole_SaysThereIsNone_AndStillNeedsPermissionsModify()
    {
        Assert.Equal(
            "there is no entry giving user carol role Gone on /projects/lab1; hospes acl list /projects/lab1 shows the entries there",
            _api.RemoveAcl(Tina, Entry("/projects/lab1", role: "Gone", user: "carol")).Error?.Message);
        Assert.Equal(ErrorCode.Forbidden, _api.RemoveAcl(Carol, Entry("/projects/lab1", role: "Gone", user: "dave")).Error?.Code);
    }

    [Fact]
    public void TheAclList_ShowsOnlyEntriesOnPathsTheCallerManagesOrAudits()
    {
        Ok(_api.SetAcl(Root, Entry("/projects/lab2", role: "Operator", user: "dave")));
        Ok(_api.SetAcl(Root, Entry("/projects/lab1/vms/web", role: "LabStudent", user: "carol")));

        Assert.Equal(3, Ok(_api.ListAcl(Root, null)).Count);
        Assert.Equal(["/projects/lab1", "/projects/lab1/vms/web"], Ok(_api.ListAcl(Tina, null)).Select(e => e.Path));
        Assert.Empty(Ok(_api.ListAcl(Carol, null)));
        Assert.Equal(["/projects/lab1/vms/web"], Ok(_api.ListAcl(Root, "/projects/lab1/vms")).Select(e => e.Path));
        Assert.Equal(ErrorCode.InvalidArgument, _api.ListAcl(Root, "lab1").Error?.Code);
    }

    [Fact]
    public async Task APassword_IsStoredHashed_AndNeverShown()
    {
        UserInfo u = Ok(await _api.CreateUserAsync(new UserCreateRequest { Name = "alice", Password = "correct horse" }, CancellationToken.None));

        Assert.True(u.HasPassword);
        string stored = _db.FindUser("alice")!.PasswordHash!;
        Assert.StartsWith("pbkdf2-sha256$600000$", stored, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("correct horse", stored));
    }

    [Fact]
    public async Task BadUsers_AreRefused_WithTheFix()
    {
        async Task<string?> Create(UserCreateRequest r) => (await _api.CreateUserAsync(r, CancellationToken.None)).Error?.Message;

        Assert.Equal("user carol exists already; choose another name, or change it with hospes user set carol", await Create(new() { Name = "carol" }));
        Assert.StartsWith("user '9lives': the name must start with a letter", await Create(new() { Name = "9lives" }), StringComparison.Ordinal);
        Assert.Equal("user bob: the password has 3 characters; give at least 8", await Create(new() { Name = "bob", Password = "abc" }));
        Assert.Equal(
            "user bob: the expiry 2026-11-30 00:00 UTC is in the past; give a later one (--expires 2027-01-31 or --expires 30d) or none",
            await Create(new() { Name = "bob", ExpiresAt = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero) }));
        Assert.Null(_db.FindUser("bob"));
    }

    [Fact]
    public async Task SettingAUser_ChangesOnlyWhatIsGiven()
    {
        var end = new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero);
        UserInfo u = Ok(await _api.UpdateUserAsync("carol", new UserUpdateRequest { Enabled = false, ExpiresAt = end }, CancellationToken.None));
        Assert.Equal((false, end), (u.Enabled, u.ExpiresAt));

        u = Ok(await _api.UpdateUserAsync("carol", new UserUpdateRequest { NeverExpires = true }, CancellationToken.None));
        Assert.Equal((false, (DateTimeOffset?)null), (u.Enabled, u.ExpiresAt));

        Assert.Equal(
            "user carol: nothing to change; give --enable, --disable, --expires DATE|never or --password-stdin",
            (await _api.UpdateUserAsync("carol", new UserUpdateRequest(), CancellationToken.None)).Error?.Message);
        Assert.Equal(ErrorCode.NotFound, (await _api.UpdateUserAsync("zed", new UserUpdateRequest { Enabled = true }, CancellationToken.None)).Error?.Code);
    }

    [Fact]
    public void AToken_IsShownOnce_StoredAsItsHash_AndListedWithoutIt()
    {
        TokenCreated t = Ok(_api.CreateToken("carol", new TokenCreateRequest { Name = "ci", ExpiresAt = _time.GetUtcNow().AddDays(3) }));

        ApiToken parsed = ApiToken.Parse(t.Token)!;
        TokenRecord row = _db.FindToken(parsed.Id)!;
        Assert.True(parsed.Matches(row.SecretSha256));
        Assert.DoesNotContain(parsed.Secret, row.SecretSha256, StringComparison.Ordinal);
        TokenInfo listed = Assert.Single(Ok(_api.ListTokens("carol")));
        Assert.Equal(("carol", "ci", parsed.Id), (listed.User, listed.Name, listed.Id));
        Assert.Equal(
            "user carol has a token named ci already; give another --name, or revoke it first (hospes token revoke carol ci)",
            _api.CreateToken("carol", new TokenCreateRequest { Name = "ci" }).Error?.Message);
        Assert.Equal("default", Ok(_api.CreateToken("carol", new TokenCreateRequest())).Info.Name);
    }

    [Fact]
    public void RevokingAToken_DeletesItsRowAndEntries()
    {
        TokenCreated t = Ok(_api.CreateToken("tina", new TokenCreateRequest { Name = "ci", PrivilegeSeparated = true }));
        Ok(_api.SetAcl(Root, Entry("/projects/lab1", role: "Operator", token: "tina!ci")));

        Ok(_api.RevokeToken("tina", "ci"));

        Assert.Null(_db.FindToken(ApiToken.Parse(t.Token)!.Id));
        Assert.DoesNotContain(_db.LoadAcl(), e => e.Subject.Kind == SubjectKind.Token);
        Assert.Equal("user tina has no token named ci; hospes token list tina shows its tokens", _api.RevokeToken("tina", "ci").Error?.Message);
    }

    [Fact]
    public void EveryTokenList_ShowsAUserTheirOwn_AndAUserManagerAll()
    {
        Ok(_api.CreateToken("carol", new TokenCreateRequest { Name = "a" }));
        Ok(_api.CreateToken("dave", new TokenCreateRequest { Name = "b" }));

        Assert.Equal(["carol!a"], _api.ListTokens(Carol).Select(t => $"{t.User}!{t.Name}"));
        Assert.Equal(["carol!a", "dave!b"], _api.ListTokens(Root).Select(t => $"{t.User}!{t.Name}"));
        Assert.Empty(_api.ListTokens(new Caller(Principal.OfToken("carol", "a", privilegeSeparated: true), "x")));
    }

    [Fact]
    public void DeletingAUser_TakesItsTokensMembershipsAndEntries()
    {
        Ok(_api.CreateToken("tina", new TokenCreateRequest { Name = "ci" }));
        Ok(_api.SetAcl(Root, Entry("/projects/lab2", role: "Operator", user: "tina")));

        Ok(_api.DeleteUser("tina"));

        Assert.Empty(_db.LoadTokens("tina"));
        Assert.DoesNotContain(_db.LoadAcl(), e => e.Subject.Name == "tina");
        Assert.Empty(Ok(_api.GetGroup("teachers")).Members);
        Assert.False(_gate.Policy.Allows(Tina.Principal, Privilege.PermissionsModify, Lab.Path("/projects/lab1")));
        Assert.Equal(ErrorCode.NotFound, _api.DeleteUser("tina").Error?.Code);
    }

    [Fact]
    public void BuiltInRoles_AreListedMarked_AndCannotBeDeleted()
    {
        Assert.Contains(_api.ListRoles(), r => r is { Name: "LabStudent", BuiltIn: true });
        Assert.Equal("role Admin is built in and cannot be deleted; hospes role list marks the built-in roles", _api.DeleteRole("admin").Error?.Message);
        Assert.Equal(ErrorCode.Conflict, _api.CreateRole(new RoleCreateRequest { Name = "operator", Privileges = ["VM.Audit"] }).Error?.Code);
    }

    [Fact]
    public void Whoami_SaysWhoAndWhatOnAPath()
    {
        WhoamiInfo w = Ok(_api.Whoami(Tina, "/projects/lab1"));

        Assert.Equal(("tina", "user", "/projects/lab1"), (w.User, w.Authentication, w.Path));
        Assert.Equal(["teachers"], w.Groups);
        Assert.Contains("Permissions.Modify", w.Privileges!);
        Assert.DoesNotContain("Sys.Audit", w.Privileges!);
        Assert.Equal("unix-socket", Ok(_api.Whoami(Root, null)).Authentication);
        Assert.Equal(ErrorCode.InvalidArgument, _api.Whoami(Tina, "/nowhere").Error?.Code);
    }

    [Fact]
    public void TheAuditLog_IsReadNewestFirst_WithinTheLimit()
    {
        _db.AppendAudit(new AuditEntry(_time.GetUtcNow(), "carol", "192.0.2.2", "POST /v1/vms/web/start", "web", "ok"));
        _db.AppendAudit(new AuditEntry(_time.GetUtcNow(), "dave", "192.0.2.3", "DELETE /v1/vms/web", "web", "403"));

        Assert.Equal(["dave", "carol"], Ok(_api.Audit(null, null, 10)).Select(e => e.User));
        Assert.Equal(["carol"], Ok(_api.Audit("carol", null, 10)).Select(e => e.User));
        Assert.Equal("limit 0: give a number of entries from 1 to 10000", _api.Audit(null, null, 0).Error?.Message);
    }

    private static AclEntryRequest Entry(string path, string role, string? user = null, string? group = null, string? token = null) =>
        new() { Path = path, Role = role, User = user, Group = group, Token = token };

    private static Func<string, string?> Values(string name) => p => p == "name" ? name : p == "project" ? "lab1" : null;

    private static T Ok<T>(Result<T> r) => r.IsOk ? r.Value : throw new Xunit.Sdk.XunitException(r.Error.Message);

    private sealed class NoObjects : IObjectProjects
    {
        public string? ProjectOf(string collection, string name) => null;
    }
}
