using System.Net;
using System.Net.Http.Json;
using System.Text;
using Hospes.Client;
using Hospes.Contracts;

namespace Hospes.Api.Tests.Endpoints;

/// <summary>The access routes as the wire sees them: statuses, shapes, and malformed bodies answered 400 naming the field.</summary>
public sealed class AccessEndpointsTests
{
    [Fact]
    public async Task Users_Groups_Tokens_Acl_Roles_AnswerWithTheirStatuses()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        Assert.Equal(HttpStatusCode.Created, (await Post(api, Routes.AccessUsers, new UserCreateRequest { Name = "alice" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Post(api, Routes.AccessUsers, new UserCreateRequest { Name = "alice" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Post(api, Routes.AccessGroups, new GroupCreateRequest { Name = "team3" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(api, Routes.Path(Routes.AccessGroupMembers, "team3"), new GroupMemberRequest { User = "alice" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(api, Routes.Path(Routes.AccessGroupMembers, "team3"), new GroupMemberRequest { User = "nobody" })).StatusCode);

        HttpResponseMessage created = await Post(api, Routes.Path(Routes.AccessUserTokens, "alice"), new TokenCreateRequest { Name = "ci" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        TokenCreated token = (await created.Content.ReadFromJsonAsync<TokenCreated>(WireJson.Options))!;
        Assert.StartsWith("hospes_", token.Token, StringComparison.Ordinal);
        string listed = await api.Http.GetStringAsync(new Uri(Routes.Path(Routes.AccessUserTokens, "alice"), UriKind.Relative));
        Assert.Contains("\"ci\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token[^43..], listed, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await Post(api, Routes.AccessAcl, new AclEntryRequest { Path = "/projects/lab1", Group = "team3", Role = "Operator" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(api, Routes.AccessAcl, new AclEntryRequest { Path = "/nowhere", Group = "team3", Role = "Operator" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(api, Routes.AccessAcl, new AclEntryRequest { Path = "/", Group = "team3", Role = "Wizard" })).StatusCode);
        AclEntryInfo entry = Assert.Single(await api.Client.Access.ListAclAsync("/projects", CancellationToken.None));
        Assert.Equal(("/projects/lab1", "group", "team3", "Operator"), (entry.Path, entry.SubjectKind, entry.Subject, entry.Role));

        Assert.Equal(HttpStatusCode.Created, (await Post(api, Routes.AccessRoles, new RoleCreateRequest { Name = "Watcher", Privileges = ["VM.Audit"] })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Http.DeleteAsync(new Uri(Routes.Path(Routes.AccessRole, "Admin"), UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.DeleteAsync(new Uri(Routes.Path(Routes.AccessUserToken, "alice", "ci"), UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Http.DeleteAsync(new Uri(Routes.Path(Routes.AccessUserToken, "alice", "ci"), UriKind.Relative))).StatusCode);

        UserInfo deleted = await api.Client.Access.DeleteUserAsync("alice", CancellationToken.None);
        Assert.Equal(["team3"], deleted.Groups);
        Assert.Empty((await api.Client.Access.ListGroupsAsync(CancellationToken.None)).Single().Members);
    }

    [Theory]
    [InlineData(Routes.AccessUsers, "{}", "name")]
    [InlineData(Routes.AccessUsers, "{\"name\": 5}", "name")]
    [InlineData(Routes.AccessGroups, "{\"nom\": \"x\"}", "name")]
    [InlineData(Routes.AccessAcl, "{\"path\": \"/\", \"user\": \"root\"}", "role")]
    [InlineData(Routes.AccessRoles, "{\"name\": \"Watcher\", \"privileges\": \"VM.Audit\"}", "privileges")]
    [InlineData("/v1/access/users/alice/tokens", "{\"privilege_separated\": \"yes\"}", "privilege_separated")]
    public async Task AMalformedBody_IsA400_NamingTheField(string route, string body, string field)
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.Client.Access.CreateUserAsync(new UserCreateRequest { Name = "alice" }, CancellationToken.None);

        HttpResponseMessage r = await api.Http.PostAsync(new Uri(route, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        ErrorBody error = (await r.Content.ReadFromJsonAsync<ErrorBody>(WireJson.Options))!;
        Assert.Equal("invalid_argument", error.Error.Code);
        Assert.Contains(field, error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullFields_AreRefused_NotA500()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        foreach ((string route, string body) in new[]
        {
            (Routes.AccessUsers, "{\"name\": null}"),
            (Routes.AccessAcl, "{\"path\": null, \"user\": \"x\", \"role\": \"Operator\"}"),
            (Routes.AccessRoles, "{\"name\": \"W\", \"privileges\": null}"),
            (Routes.AccessGroups, "{\"name\": null}"),
        })
        {
            HttpResponseMessage r = await api.Http.PostAsync(new Uri(route, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{route} {body}: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Whoami_OnTheSocket_IsTheLocalAdmin_AndTheAuditReadsItsQuery()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        WhoamiInfo w = await api.Client.Access.WhoamiAsync("/projects/lab1", CancellationToken.None);
        Assert.Equal(("unix-socket", "/projects/lab1"), (w.Authentication, w.Path));
        Assert.Contains("Sys.Modify", w.Privileges!);

        Assert.Empty(await api.Client.Access.AuditAsync("alice", DateTimeOffset.UtcNow.AddHours(-1), 5, CancellationToken.None));
        HttpResponseMessage bad = await api.Http.GetAsync(new Uri(Routes.Audit + "?since=yesterday", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("since 'yesterday' is not a time", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        HospesApiException e = await Assert.ThrowsAsync<HospesApiException>(() => api.Client.Access.AuditAsync(null, null, 0, CancellationToken.None));
        Assert.Contains("limit 0", e.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Post<T>(ApiHost api, string path, T body) =>
        api.Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, WireJson.Options);
}
