using System.Net;
using Hospes.Cli.Commands;
using Hospes.Cli.Tests.Support;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Cli.Tests.Commands;

public sealed class AccessCommandsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserInfo Alice = new() { Name = "alice", Enabled = true, Groups = ["team3"], Tokens = 1, CreatedAt = Now };
    private static readonly TokenInfo Ci = new() { User = "alice", Name = "ci", Id = "0123456789abcdef", CreatedAt = Now, ExpiresAt = Now.AddDays(3) };

    private readonly StubHandler _stub = new();
    private readonly Func<DateTimeOffset> _oldNow = TimeArgument.Now;
    private readonly TextReader _oldIn = Console.In;

    public AccessCommandsTests() => TimeArgument.Now = () => Now;

    public void Dispose()
    {
        TimeArgument.Now = _oldNow;
        Console.SetIn(_oldIn);
        _stub.Dispose();
    }

    [Fact]
    public async Task UserCreate_ReadsThePasswordFromStdin_AndTheDateAsUtcMidnight()
    {
        _stub.On("POST", "/v1/access/users", HttpStatusCode.Created, CliRunner.Json(Alice with { HasPassword = true }));
        Console.SetIn(new StringReader("correct horse battery\nnot this line\n"));

        CliRun r = await CliRunner.RunAsync(_stub, "user", "create", "alice", "--password-stdin", "--expires", "2027-01-31");

        Assert.Equal(0, r.Exit);
        Assert.Equal(
            CliRunner.Json(new UserCreateRequest { Name = "alice", Password = "correct horse battery", ExpiresAt = new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero) }),
            _stub.LastBody);
        Assert.StartsWith("user alice created with a password;", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserCreate_WithAnEmptyStdin_IsRefused_BeforeAsking()
    {
        Console.SetIn(new StringReader(""));

        CliRun r = await CliRunner.RunAsync(_stub, "user", "create", "alice", "--password-stdin");

        Assert.StartsWith("hospes: --password-stdin: no password on stdin; pipe it in, e.g. printf", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--expires", "tomorrow", "hospes: --expires 'tomorrow' is neither a span nor a date; write e.g. 3d (m, h, d, w) or 2027-01-31\n")]
    [InlineData("--expires", "0d", "hospes: --expires '0d' is neither a span nor a date; write e.g. 3d (m, h, d, w) or 2027-01-31\n")]
    public async Task TokenCreate_WithABadExpiry_IsRefused(string option, string value, string message)
    {
        CliRun r = await CliRunner.RunAsync(_stub, "token", "create", "alice", option, value);

        Assert.Equal(message, r.Refused(_stub));
    }

    [Fact]
    public async Task UserSet_NeverExpires_AndDisable()
    {
        _stub.On("PUT", "/v1/access/users/alice", CliRunner.Json(Alice with { Enabled = false }));

        CliRun r = await CliRunner.RunAsync(_stub, "user", "set", "alice", "--disable", "--expires", "never");

        Assert.Equal(CliRunner.Json(new UserUpdateRequest { Enabled = false, NeverExpires = true }), _stub.LastBody);
        Assert.Equal("user alice: disabled\n", r.Stdout);
    }

    [Fact]
    public async Task UserSet_WithNothing_OrBothEnableAndDisable_IsRefused()
    {
        Assert.Contains("nothing to change", (await CliRunner.RunAsync(_stub, "user", "set", "alice")).Refused(_stub), StringComparison.Ordinal);
        Assert.Contains("--enable and --disable exclude each other", (await CliRunner.RunAsync(_stub, "user", "set", "alice", "--enable", "--disable")).Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserList_IsATable()
    {
        _stub.On("GET", "/v1/access/users", CliRunner.Json<UserInfo[]>([Alice, new UserInfo { Name = "bob", HasPassword = true, ExpiresAt = Now.AddYears(1) }]));

        CliRun r = await CliRunner.RunAsync(_stub, "user", "list");

        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Name   Enabled  Expires              Password  Tokens  Groups", lines[0]);
        Assert.Equal("alice  yes      never                no             1  team3", lines[1]);
        Assert.StartsWith("bob    no       2027-12-0", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCreate_PrintsTheTokenOnce_AloneOnStdout()
    {
        _stub.On("POST", "/v1/access/users/alice/tokens", HttpStatusCode.Created, CliRunner.Json(new TokenCreated { Token = "hospes_0123456789abcdef_SECRET", Info = Ci }));

        CliRun r = await CliRunner.RunAsync(_stub, "token", "create", "alice", "--name", "ci", "--expires", "3d");

        Assert.Equal("hospes_0123456789abcdef_SECRET\n", r.Stdout);
        Assert.DoesNotContain("SECRET", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("token alice!ci, valid until", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("it is shown only this once: store it now", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(CliRunner.Json(new TokenCreateRequest { Name = "ci", ExpiresAt = Now.AddDays(3) }), _stub.LastBody);
    }

    [Fact]
    public async Task TokenList_WithoutAUser_AsksForAllItMaySee_AndShowsNoSecret()
    {
        _stub.On("GET", "/v1/access/tokens", CliRunner.Json<TokenInfo[]>([Ci]));

        CliRun r = await CliRunner.RunAsync(_stub, "token", "list");

        Assert.StartsWith("User   Name  Id                Expires", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("alice  ci    0123456789abcdef", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRevoke_NamesUserAndToken()
    {
        _stub.On("DELETE", "/v1/access/users/alice/tokens/ci", CliRunner.Json(Ci));

        CliRun r = await CliRunner.RunAsync(_stub, "token", "revoke", "alice", "ci");

        Assert.Equal("token alice!ci revoked; requests with it are refused from now on\n", r.Stdout);
    }

    [Fact]
    public async Task AclSet_SendsOneSubject_AndNoPropagate()
    {
        _stub.On("POST", "/v1/access/acl", CliRunner.Json(new AclEntryInfo { Path = "/projects/lab1/vms/web", SubjectKind = "token", Subject = "alice!ci", Role = "LabStudent", Propagate = false }));

        CliRun r = await CliRunner.RunAsync(_stub, "acl", "set", "/projects/lab1/vms/web", "--token", "alice!ci", "--role", "LabStudent", "--no-propagate");

        Assert.Equal(CliRunner.Json(new AclEntryRequest { Path = "/projects/lab1/vms/web", Token = "alice!ci", Role = "LabStudent", Propagate = false }), _stub.LastBody);
        Assert.Equal("token alice!ci has role LabStudent on /projects/lab1/vms/web (only there)\n", r.Stdout);
    }

    [Theory]
    [InlineData("set", "/", "--role", "Admin")]
    [InlineData("remove", "/", "--user", "a", "--group", "g", "--role", "Admin")]
    public async Task AclSetOrRemove_WithoutExactlyOneSubject_IsRefused(params string[] args)
    {
        CliRun r = await CliRunner.RunAsync(_stub, ["acl", .. args]);

        Assert.Contains("name exactly one of --user, --group and --token", r.Refused(_stub), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AclSet_ARefusal_IsPrintedAsHospesdSaysIt()
    {
        const string refusal = "tina may not grant role Admin on /projects/lab1: it holds VM.Migrate that tina does not hold there; grant a role within your own privileges or ask an admin";
        _stub.Error("POST", "/v1/access/acl", HttpStatusCode.Forbidden, "forbidden", refusal);

        CliRun r = await CliRunner.RunAsync(_stub, "acl", "set", "/projects/lab1", "--user", "carol", "--role", "Admin");

        Assert.Equal(1, r.Exit);
        Assert.Equal($"hospes: {refusal}\n", r.Stderr);
    }

    [Fact]
    public async Task AclList_WithAPath_PutsItInTheQuery_AndPrintsATable()
    {
        _stub.On("GET", "/v1/access/acl?path=%2Fprojects%2Flab1", CliRunner.Json<AclEntryInfo[]>([new() { Path = "/projects/lab1", SubjectKind = "group", Subject = "team3", Role = "Operator" }]));

        CliRun r = await CliRunner.RunAsync(_stub, "acl", "list", "/projects/lab1");

        Assert.Equal("Path            Subject      Role      Propagate\n/projects/lab1  group:team3  Operator  yes\n", r.Stdout);
    }

    [Fact]
    public async Task RoleCreate_SplitsThePrivileges_AndRoleListMarksBuiltIns()
    {
        _stub.On("POST", "/v1/access/roles", HttpStatusCode.Created, CliRunner.Json(new RoleInfo { Name = "Watcher", Privileges = ["VM.Audit", "VM.Console"] }));
        _stub.On("GET", "/v1/access/roles", CliRunner.Json<RoleInfo[]>([new() { Name = "NoAccess", BuiltIn = true }, new() { Name = "Watcher", Privileges = ["VM.Audit", "VM.Console"] }]));

        CliRun created = await CliRunner.RunAsync(_stub, "role", "create", "Watcher", "--privileges", "VM.Audit, VM.Console");
        Assert.Equal(CliRunner.Json(new RoleCreateRequest { Name = "Watcher", Privileges = ["VM.Audit", "VM.Console"] }), _stub.LastBody);
        Assert.Equal("role Watcher created: VM.Audit, VM.Console\n", created.Stdout);

        CliRun listed = await CliRunner.RunAsync(_stub, "role", "list");
        Assert.Equal("Name      Kind      Privileges\nNoAccess  built-in  (none)\nWatcher   custom    VM.Audit,VM.Console\n", listed.Stdout);
    }

    [Fact]
    public async Task GroupAddAndRemove_UseTheMemberRoutes()
    {
        _stub.On("POST", "/v1/access/groups/team3/members", CliRunner.Json(new GroupInfo { Name = "team3", Members = ["alice"] }));
        _stub.On("DELETE", "/v1/access/groups/team3/members/alice", CliRunner.Json(new GroupInfo { Name = "team3" }));

        Assert.Equal("user alice added to group team3\n", (await CliRunner.RunAsync(_stub, "group", "add", "team3", "alice")).Stdout);
        Assert.Equal(CliRunner.Json(new GroupMemberRequest { User = "alice" }), _stub.LastBody);
        Assert.Equal("user alice removed from group team3\n", (await CliRunner.RunAsync(_stub, "group", "remove", "team3", "alice")).Stdout);
    }

    [Fact]
    public async Task Audit_TurnsSinceIntoATime_AndPassesUserAndLimit()
    {
        _stub.On("GET", "/v1/audit?user=alice&since=2026-12-06T11%3A00%3A00.0000000%2B00%3A00&limit=5", CliRunner.Json<AuditEntryInfo[]>(
            [new() { Time = Now, User = "alice", Source = "192.0.2.1", Action = "POST /v1/vms/web/start", Target = "web", Result = "ok" }]));

        CliRun r = await CliRunner.RunAsync(_stub, "audit", "--user", "alice", "--since", "1h", "--limit", "5");

        Assert.Equal(0, r.Exit);
        Assert.Contains("alice  192.0.2.1  POST /v1/vms/web/start  web     ok", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whoami_ShowsHowAndWhatOnAPath()
    {
        _stub.On("GET", "/v1/access/whoami?path=%2Fprojects%2Flab1", CliRunner.Json(new WhoamiInfo
        {
            User = "tina",
            Display = "tina",
            Authentication = "user",
            Groups = ["teachers"],
            Path = "/projects/lab1",
            Privileges = ["VM.Audit", "Permissions.Modify"],
        }));

        CliRun r = await CliRunner.RunAsync(_stub, "whoami", "--path", "/projects/lab1");

        Assert.Equal("user:              tina\nauthenticated:     user\ngroups:            teachers\non /projects/lab1: VM.Audit, Permissions.Modify\n", r.Stdout);
    }
}
