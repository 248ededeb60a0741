using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Access;

/// <summary>
/// Users, tokens, groups, ACL entries, roles and the audit log through the real CLI against a real hospesd, as root on
/// its unix socket (an admin). What a user without rights is refused is the authorization's tests' business.
/// </summary>
public sealed class AccessCommandsTests : IAsyncLifetime
{
    private Daemon _d = null!;

    public async Task InitializeAsync() => _d = await Daemon.StartAsync((TinyImage?)null);

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task AUsersToken_IsShownOnce_ListedWithoutItsSecret_Revoked_AndTheUsersDeleteTakesTheRest()
    {
        (await _d.CliWithInputAsync("correct horse battery\n", "user", "create", "alice", "--password-stdin", "--expires", "2099-01-31")).Ok();
        UserInfo alice = await _d.JsonAsync<UserInfo>("user", "show", "alice");
        Assert.Equal((true, true, new DateTimeOffset(2099, 1, 31, 0, 0, 0, TimeSpan.Zero)), (alice.HasPassword, alice.Enabled, alice.ExpiresAt!.Value));
        Assert.DoesNotContain("correct horse", (await _d.CliAsync("user", "show", "alice", "--format", "json")).Ok().Stdout, StringComparison.Ordinal);

        CliResult created = (await _d.CliAsync("token", "create", "alice", "--name", "ci", "--expires", "3d")).Ok();
        string token = created.Stdout.Trim();
        Assert.Matches("^hospes_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", token);
        Assert.Contains("shown only this once", created.Stderr, StringComparison.Ordinal);
        string secret = token[^43..];

        string listed = (await _d.CliAsync("token", "list", "alice")).Ok().Stdout;
        Assert.Contains(token.Substring(7, 16), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await _d.CliAsync("token", "list", "--format", "json")).Ok().Stdout, StringComparison.Ordinal);

        (await _d.CliAsync("acl", "set", "/projects/lab1", "--token", "alice!ci", "--role", "Operator")).Ok();
        (await _d.CliAsync("token", "revoke", "alice", "ci")).Ok();
        Assert.Empty(await _d.JsonAsync<List<TokenInfo>>("token", "list", "alice"));
        Assert.Empty(await _d.JsonAsync<List<AclEntryInfo>>("acl", "list"));
        Assert.Contains("user alice has no token named ci", (await _d.CliAsync("token", "revoke", "alice", "ci")).Fails(), StringComparison.Ordinal);

        (await _d.CliAsync("token", "create", "alice", "--name", "ops")).Ok();
        (await _d.CliAsync("group", "create", "team3")).Ok();
        (await _d.CliAsync("group", "add", "team3", "alice")).Ok();
        (await _d.CliAsync("acl", "set", "/projects/lab1/vms/web", "--user", "alice", "--role", "LabStudent")).Ok();
        Assert.Contains("user alice deleted, with its 1 token(s)", (await _d.CliAsync("user", "delete", "alice")).Ok().Stdout, StringComparison.Ordinal);

        Assert.Empty(await _d.JsonAsync<List<UserInfo>>("user", "list"));
        Assert.Empty(await _d.JsonAsync<List<TokenInfo>>("token", "list"));
        Assert.Empty(await _d.JsonAsync<List<AclEntryInfo>>("acl", "list"));
        Assert.Empty(Assert.Single(await _d.JsonAsync<List<GroupInfo>>("group", "list")).Members);
    }

    [Fact]
    public async Task AclSetListRemove_WithACustomRole_AndTheirRefusals()
    {
        (await _d.CliAsync("group", "create", "teachers")).Ok();
        (await _d.CliAsync("role", "create", "Watcher", "--privileges", "VM.Audit,VM.Console")).Ok();
        (await _d.CliAsync("acl", "set", "/projects/lab1", "--group", "teachers", "--role", "ProjectAdmin")).Ok();
        (await _d.CliAsync("acl", "set", "/projects/lab1/vms/web", "--group", "teachers", "--role", "Watcher", "--no-propagate")).Ok();

        string table = (await _d.CliAsync("acl", "list", "/projects/lab1")).Ok().Stdout;
        Assert.Contains("/projects/lab1          group:teachers  ProjectAdmin  yes", table, StringComparison.Ordinal);
        Assert.Contains("/projects/lab1/vms/web  group:teachers  Watcher       no", table, StringComparison.Ordinal);
        Assert.Contains("built-in", (await _d.CliAsync("role", "list")).Ok().Stdout, StringComparison.Ordinal);

        Assert.Contains("ACL path '/projects/lab1/boxes': 'boxes' is not a kind of object", (await _d.CliAsync("acl", "set", "/projects/lab1/boxes", "--group", "teachers", "--role", "Operator")).Fails(), StringComparison.Ordinal);
        Assert.Contains("group nobody does not exist", (await _d.CliAsync("acl", "set", "/", "--group", "nobody", "--role", "Operator")).Fails(), StringComparison.Ordinal);
        Assert.Contains("role 'Watcher' is granted on /projects/lab1/vms/web", (await _d.CliAsync("role", "delete", "Watcher")).Fails(), StringComparison.Ordinal);

        (await _d.CliAsync("acl", "remove", "/projects/lab1/vms/web", "--group", "teachers", "--role", "Watcher")).Ok();
        (await _d.CliAsync("role", "delete", "Watcher")).Ok();
        AclEntryInfo left = Assert.Single(await _d.JsonAsync<List<AclEntryInfo>>("acl", "list"));
        Assert.Equal(("/projects/lab1", "ProjectAdmin"), (left.Path, left.Role));
        Assert.Contains("there is no entry giving group teachers role Watcher", (await _d.CliAsync("acl", "remove", "/projects/lab1/vms/web", "--group", "teachers", "--role", "Watcher")).Fails(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditAndWhoami_Run_AsTheLocalAdmin()
    {
        // The rows come from the authentication middleware; here only that the command reads the log.
        (await _d.CliAsync("audit", "--since", "1h", "--limit", "10")).Ok();
        Assert.Contains("limit 0: give a number of entries from 1 to 10000", (await _d.CliAsync("audit", "--limit", "0")).Fails(), StringComparison.Ordinal);

        WhoamiInfo me = await _d.JsonAsync<WhoamiInfo>("whoami", "--path", "/projects/lab1");
        Assert.Equal("unix-socket", me.Authentication);
        Assert.Contains("Permissions.Modify", me.Privileges!);
        Assert.Contains("unix socket (admin everywhere)", (await _d.CliAsync("whoami")).Ok().Stdout, StringComparison.Ordinal);
    }
}
