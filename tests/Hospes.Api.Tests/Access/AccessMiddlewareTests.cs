using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Access;
using Microsoft.AspNetCore.Http;

namespace Hospes.Api.Tests.Access;

/// <summary>Who a request is and whether its route lets it in: over "HTTPS" (the test server's https scheme) and the faked unix socket.</summary>
public sealed class AccessMiddlewareTests : IAsyncLifetime
{
    private static readonly IPAddress Remote = IPAddress.Parse("192.0.2.7");
    private ApiHost _api = null!;

    public async Task InitializeAsync() => _api = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task NoCredentials_OverHttps_Is401_WithTheChallenge_AndHowToLogIn()
    {
        using HttpClient https = _api.Https();

        using HttpResponseMessage response = await https.GetAsync(new Uri(Routes.Host, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"hospes\"", response.Headers.WwwAuthenticate.ToString());
        ErrorDetail error = await Error(response);
        Assert.Equal(ErrorCodes.Unauthenticated, error.Code);
        Assert.Equal(HttpLogin.HowToLogIn, error.Message);
    }

    [Theory]
    [InlineData("hospes_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Credentials.WrongToken)]
    [InlineData("not-a-token", "the token is malformed")]
    public async Task AWrongOrMalformedToken_Is401_WithCredentialsMessage(string token, string message)
    {
        using HttpClient https = _api.Https();
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using HttpResponseMessage response = await https.GetAsync(new Uri(Routes.Host, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith(message, (await Error(response)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGoodToken_IsDecidedByTheRoutesRule_403WithTheGrantHint_ThenAfterAGrant200()
    {
        using HttpClient https = Bearer(Token("alice", "ci"));

        using HttpResponseMessage refused = await https.GetAsync(new Uri(Routes.Host, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("alice!ci may not GET /v1/host: it needs Sys.Audit on /; ask someone who may grant it (hospes acl set / --token alice!ci --role Auditor)", (await Error(refused)).Message);

        _api.Db.SetAcl(new AclEntry(AclPath.Root, AclSubject.User("alice"), "Auditor"));
        _api.Access.Reload();
        using HttpResponseMessage allowed = await https.GetAsync(new Uri(Routes.Host, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [InlineData("/v1/vms/web/console", "VM.Console")]
    [InlineData("/v1/vms/web/tcp/22", "VM.Console")]
    [InlineData("/v1/vms/web/console/log", "VM.Console")]
    public async Task WebSocketRoutes_PassTheSameCheck(string path, string privilege)
    {
        HttpContext refused = await _api.SendAsync("GET", path, Remote, authorization: $"Bearer {Token("alice", "ci")}");

        Assert.Equal(StatusCodes.Status403Forbidden, refused.Response.StatusCode);
        Assert.Contains($"it needs {privilege} on /projects/default/vms/web", await Message(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedToken_IsRefusedAtOnce()
    {
        string token = Token("alice", "ci");
        using HttpClient https = Bearer(token);
        using HttpResponseMessage before = await https.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        _api.Db.DeleteToken("alice", "ci");

        using HttpResponseMessage after = await https.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AnUnknownRoute_Is404ToOneWhoLoggedIn_401ToAnyoneElse()
    {
        using HttpClient anonymous = _api.Https();
        using HttpClient alice = Bearer(Token("alice", "ci"));

        using HttpResponseMessage toAnonymous = await anonymous.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative));
        using HttpResponseMessage toAlice = await alice.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative));
        using HttpResponseMessage toRoot = await _api.Http.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, toAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, toAlice.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, toRoot.StatusCode);
    }

    [Fact]
    public async Task APassword_OverBasic_LogsIn_AWrongOne_Is401()
    {
        _api.Db.TryInsertUser(new UserRecord("bob", PasswordHash.Create("correct horse"), null, true, DateTimeOffset.UtcNow));
        using HttpClient right = Basic("bob", "correct horse");
        using HttpClient wrong = Basic("bob", "wrong horse");

        using HttpResponseMessage ok = await right.GetAsync(new Uri(Routes.Host, UriKind.Relative));
        using HttpResponseMessage refused = await wrong.GetAsync(new Uri(Routes.Host, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, ok.StatusCode);
        Assert.StartsWith("bob may not GET /v1/host", (await Error(ok)).Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(Credentials.WrongPassword, (await Error(refused)).Message);
    }

    [Fact]
    public async Task AMappedClientCertificate_LogsInAsItsUser_AnUnmappedOne_Is401_NamingIt()
    {
        User("carol");
        using X509Certificate2 mapped = Certificate("carol");
        using X509Certificate2 unmapped = Certificate("stranger");
        HttpResponseMessage added = await _api.Http.PostAsJsonAsync(
            new Uri(Routes.Path(Routes.UserCertificates, "carol"), UriKind.Relative), new UserCertificateRequest { Certificate = mapped.ExportCertificatePem() }, WireJson.Options);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        HttpContext asCarol = await _api.SendAsync("GET", Routes.Host, Remote, mapped);
        HttpContext asStranger = await _api.SendAsync("GET", Routes.Host, Remote, unmapped);

        Assert.Equal(StatusCodes.Status403Forbidden, asCarol.Response.StatusCode);
        Assert.Equal(StatusCodes.Status401Unauthorized, asStranger.Response.StatusCode);
        Assert.Contains($"the client certificate {Convert.ToHexStringLower(SHA256.HashData(unmapped.RawData))} is not mapped to a user", await Body(asStranger), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheUnixSocket_IsForRootAndHospesAdmin_OthersAreRefusedWithTheWayIn()
    {
        _api.Unix.Peer = new UnixPeer(10, 1001, 1001);
        using HttpResponseMessage member = await _api.Http.GetAsync(new Uri(Routes.Host, UriKind.Relative));
        _api.Unix.Peer = new UnixPeer(11, 1002, 990);
        using HttpResponseMessage primary = await _api.Http.GetAsync(new Uri(Routes.Host, UriKind.Relative));
        _api.Unix.Peer = new UnixPeer(12, 1000, 1000);
        using HttpResponseMessage other = await _api.Http.GetAsync(new Uri(Routes.Host, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        Assert.Equal(HttpStatusCode.OK, primary.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(
            "alice (uid 1000) may not use hospesd's unix socket: it is for root and members of group hospes-admin; add the user to the group (usermod -aG hospes-admin alice), or log in with a token over HTTPS (hospes remote add NAME https://HOST:PORT --token TOKEN)",
            (await Error(other)).Message);
    }

    [Fact]
    public async Task PeerRoutes_AreDecidedByThePeerGroup_NotByUserLogin()
    {
        using HttpClient anonymous = _api.Https();
        using HttpClient alice = Bearer(Token("alice", "ci"));

        using HttpResponseMessage toAnonymous = await anonymous.GetAsync(new Uri(Routes.PeerHello, UriKind.Relative));
        using HttpResponseMessage toAlice = await alice.GetAsync(new Uri(Routes.PeerHello, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, toAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, toAlice.StatusCode);
        Assert.StartsWith("this host does not trust the caller", (await Error(toAlice)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AThousandFailedLogins_AreRefusedAfterTen_WithRetryAfter_AndWriteOneRowPerBurst()
    {
        const string wrong = "Bearer hospes_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await _api.SendAsync("GET", Routes.Host, Remote, authorization: wrong)).Response.StatusCode);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpContext last = null!;
        for (int i = 0; i < 1000; i++)
        {
            last = await _api.SendAsync("GET", Routes.Host, Remote, authorization: wrong);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"1,000 refused logins took {clock.Elapsed}");
        Assert.Equal(StatusCodes.Status429TooManyRequests, last.Response.StatusCode);
        Assert.InRange(int.Parse(last.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.StartsWith("too many failed logins from 192.0.2.7: more than 10 within 60 s; try again after ", await Message(last), StringComparison.Ordinal);

        // Another address is not refused; the audit log has the ten failures and one row for the refused burst.
        HttpContext other = await _api.SendAsync("GET", Routes.Host, IPAddress.Parse("192.0.2.8"), authorization: wrong);
        Assert.Equal(StatusCodes.Status401Unauthorized, other.Response.StatusCode);
        List<AuditEntry> rows = [.. _api.Db.LoadAudit().Where(r => r.Source == "192.0.2.7")];
        Assert.Equal(10, rows.Count(r => r.Result.StartsWith("401 unauthenticated: ", StringComparison.Ordinal)));
        Assert.Single(rows, r => r.Result.StartsWith("429 too_many_requests: ", StringComparison.Ordinal) && r.Result.EndsWith("(the refusals that follow in this burst are not recorded)", StringComparison.Ordinal));
        Assert.Equal(11, rows.Count);
    }

    [Fact]
    public async Task AuditLog_HasEveryMutatingRequest_AndRefusals_NotReads()
    {
        using HttpResponseMessage read = await _api.Http.GetAsync(new Uri(Routes.Host, UriKind.Relative));
        using HttpResponseMessage deleted = await _api.Http.DeleteAsync(new Uri(Routes.Path(Routes.Vm, "nosuch"), UriKind.Relative));
        HttpContext refused = await _api.SendAsync("POST", Routes.Path(Routes.VmStart, "web"), Remote, authorization: $"Bearer {Token("alice", "ci")}");

        Assert.Equal(StatusCodes.Status403Forbidden, refused.Response.StatusCode);
        IReadOnlyList<AuditEntry> rows = _api.Db.LoadAudit();
        Assert.DoesNotContain(rows, r => r.Action.StartsWith("GET", StringComparison.Ordinal));
        AuditEntry delete = Assert.Single(rows, r => r.Action == "DELETE /v1/vms/nosuch");
        Assert.Equal(("root (unix socket)", "unix", "nosuch", "404"), (delete.User, delete.Source, delete.Object, delete.Result));
        AuditEntry start = Assert.Single(rows, r => r.Action == "POST /v1/vms/web/start");
        Assert.Equal(("alice!ci", "web", "192.0.2.7"), (start.User, start.Object, start.Source));
        Assert.StartsWith("403 forbidden: alice!ci may not POST /v1/vms/{name}/start: it needs VM.PowerMgmt", start.Result, StringComparison.Ordinal);
    }

    private void User(string name) => _api.Db.TryInsertUser(new UserRecord(name, null, null, true, DateTimeOffset.UtcNow));

    private string Token(string user, string name)
    {
        if (_api.Db.FindUser(user) is null)
        {
            User(user);
        }

        ApiToken token = ApiToken.New();
        Assert.True(_api.Db.TryInsertToken(new TokenRecord(token.Id, user, name, token.SecretSha256, null, false, DateTimeOffset.UtcNow)));
        return token.ToString();
    }

    private HttpClient Bearer(string token)
    {
        HttpClient https = _api.Https();
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return https;
    }

    private HttpClient Basic(string user, string password)
    {
        HttpClient https = _api.Https();
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return https;
    }

    internal static X509Certificate2 Certificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static async Task<ErrorDetail> Error(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ErrorBody>(WireJson.Options))!.Error;

    private static async Task<string> Body(HttpContext http)
    {
        using var reader = new StreamReader(http.Response.Body);
        return await reader.ReadToEndAsync();
    }

    private static async Task<string> Message(HttpContext http) =>
        System.Text.Json.JsonSerializer.Deserialize<ErrorBody>(await Body(http), WireJson.Options)!.Error.Message!;
}
