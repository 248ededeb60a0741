using System.Net;
using System.Text;
using System.Text.Json;
using Hospes.Api.Access;
using Hospes.Contracts;
using Hospes.Host.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace Hospes.Api.Tests.Access;

/// <summary>
/// The web UI's login (issue 15): a password opens a session whose cookie logs the browser in; a change made with the
/// cookie needs the session's CSRF token, a WebSocket this host's own Origin; failures count in the rate limit and are audited.
/// </summary>
public sealed class WebSessionTests : IAsyncLifetime
{
    private static readonly IPAddress Remote = IPAddress.Parse("192.0.2.9");
    private ApiHost _api = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiHost.StartAsync();
        _api.Db.TryInsertUser(new UserRecord("bob", PasswordHash.Create("correct horse"), null, true, DateTimeOffset.UtcNow));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ThePassword_OpensASession_WhoseCookieIsHttpOnlySecureStrict_AndLogsInTheBrowser()
    {
        HttpContext login = await LogInAsync("bob", "correct horse");

        Assert.Equal(StatusCodes.Status201Created, login.Response.StatusCode);
        string setCookie = login.Response.Headers.SetCookie.ToString();
        Assert.StartsWith($"{WebSessions.Cookie}=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        SessionInfo info = await Json<SessionInfo>(login);
        Assert.Equal("bob", info.User);
        Assert.Matches("^[0-9a-f]{64}$", info.Csrf);

        HttpContext session = await SendAsync("GET", Routes.Session, Cookie(login));
        Assert.Equal(StatusCodes.Status200OK, session.Response.StatusCode);
        Assert.Equal(info.Csrf, (await Json<SessionInfo>(session)).Csrf);
        HttpContext host = await SendAsync("GET", Routes.Host, Cookie(login));
        Assert.Equal(StatusCodes.Status403Forbidden, host.Response.StatusCode);
        Assert.StartsWith("bob may not GET /v1/host: it needs Sys.Audit on /", await Message(host), StringComparison.Ordinal);

        AuditEntry row = Assert.Single(_api.Db.LoadAudit(), r => r.Action == "POST /v1/session");
        Assert.Equal(("bob", "192.0.2.9", "201 session opened"), (row.User, row.Source, row.Result));
    }

    [Fact]
    public async Task AChangeWithTheCookie_WithoutTheCsrfHeader_Is403NamingIt_WithItGoesOn_AndLogoutEndsTheSession()
    {
        HttpContext login = await LogInAsync("bob", "correct horse");
        string csrf = (await Json<SessionInfo>(login)).Csrf!;

        HttpContext without = await SendAsync("POST", Routes.Path(Routes.VmStart, "web"), Cookie(login));
        HttpContext wrong = await SendAsync("DELETE", Routes.Session, Cookie(login), csrf: new string('0', 64));
        HttpContext with = await SendAsync("POST", Routes.Path(Routes.VmStart, "web"), Cookie(login), csrf: csrf);

        Assert.Equal(StatusCodes.Status403Forbidden, without.Response.StatusCode);
        Assert.StartsWith("header X-Hospes-CSRF is missing or wrong", await Message(without), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status403Forbidden, wrong.Response.StatusCode);
        Assert.StartsWith("bob may not POST /v1/vms/{name}/start: it needs VM.PowerMgmt", await Message(with), StringComparison.Ordinal);

        HttpContext logout = await SendAsync("DELETE", Routes.Session, Cookie(login), csrf: csrf);
        Assert.Equal(StatusCodes.Status200OK, logout.Response.StatusCode);
        Assert.Contains($"{WebSessions.Cookie}=;", logout.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
        HttpContext after = await SendAsync("GET", Routes.Session, Cookie(login));
        Assert.Equal(StatusCodes.Status401Unauthorized, after.Response.StatusCode);
        Assert.StartsWith("the session cookie is not valid", await Message(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebSocketWithTheCookie_FromAnotherOrigin_Is403_FromItsOwnOriginPassesOnToTheRoutesRule()
    {
        HttpContext login = await LogInAsync("bob", "correct horse");
        string console = Routes.Path(Routes.VmConsole, "web");

        HttpContext foreign = await SendAsync("GET", console, Cookie(login), origin: "https://evil.example", webSocket: true);
        HttpContext none = await SendAsync("GET", console, Cookie(login), webSocket: true);
        HttpContext own = await SendAsync("GET", console, Cookie(login), origin: "https://localhost", webSocket: true);

        Assert.Equal(StatusCodes.Status403Forbidden, foreign.Response.StatusCode);
        Assert.Contains("not from Origin https://evil.example", await Message(foreign), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status403Forbidden, none.Response.StatusCode);
        Assert.Contains("not from Origin (none)", await Message(none), StringComparison.Ordinal);
        Assert.StartsWith("bob may not GET /v1/vms/{name}/console: it needs VM.Console", await Message(own), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPasswords_Are401_CountInTheRateLimit_AndAreAudited()
    {
        for (int i = 0; i < 10; i++)
        {
            HttpContext wrong = await LogInAsync("bob", "wrong horse");
            Assert.Equal(StatusCodes.Status401Unauthorized, wrong.Response.StatusCode);
            Assert.Equal(Credentials.WrongPassword, await Message(wrong));
            Assert.Equal(0, wrong.Response.Headers.SetCookie.Count);
        }

        HttpContext limited = await LogInAsync("bob", "correct horse");
        Assert.Equal(StatusCodes.Status429TooManyRequests, limited.Response.StatusCode);
        Assert.StartsWith("too many failed logins from 192.0.2.9", await Message(limited), StringComparison.Ordinal);
        List<AuditEntry> rows = [.. _api.Db.LoadAudit().Where(r => r.Action == "POST /v1/session")];
        Assert.Equal(10, rows.Count(r => r.Result.StartsWith("401 unauthenticated: wrong user or password", StringComparison.Ordinal)));
        Assert.Single(rows, r => r.Result.StartsWith("429 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserDisabledAfterTheLogin_IsRefusedAtOnce_AndAnUnknownCookieIsCleared()
    {
        HttpContext login = await LogInAsync("bob", "correct horse");
        UserRecord bob = _api.Db.FindUser("bob")!;
        _api.Db.UpdateUser(bob with { Enabled = false });

        HttpContext refused = await SendAsync("GET", Routes.Session, Cookie(login));
        HttpContext unknown = await SendAsync("GET", Routes.Session, $"{WebSessions.Cookie}=forged");

        Assert.Equal(StatusCodes.Status401Unauthorized, refused.Response.StatusCode);
        Assert.StartsWith("user bob is disabled", await Message(refused), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status401Unauthorized, unknown.Response.StatusCode);
        Assert.Contains($"{WebSessions.Cookie}=;", unknown.Response.Headers.SetCookie.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASession_EndsWhenItsUsersPasswordChanges_OrTheUserIsDisabled_AndEnablingThemAgainDoesNotBringItBack()
    {
        HttpContext first = await LogInAsync("bob", "correct horse");
        HttpContext second = await LogInAsync("bob", "correct horse");
        _api.Db.UpdateUser(_api.Db.FindUser("bob")! with { PasswordHash = PasswordHash.Create("battery staple") });

        HttpContext changed = await SendAsync("GET", Routes.Session, Cookie(first));
        Assert.Equal(StatusCodes.Status401Unauthorized, changed.Response.StatusCode);
        Assert.Equal("the password of bob changed after this session's login: log in again with the new password", await Message(changed));
        Assert.Equal(StatusCodes.Status401Unauthorized, (await SendAsync("GET", Routes.Session, Cookie(second))).Response.StatusCode);

        // A login with the new password works; disabled, its session ends for good: enabled again, the cookie stays dead.
        HttpContext third = await LogInAsync("bob", "battery staple");
        Assert.Equal(StatusCodes.Status200OK, (await SendAsync("GET", Routes.Session, Cookie(third))).Response.StatusCode);
        _api.Db.UpdateUser(_api.Db.FindUser("bob")! with { Enabled = false });
        Assert.Equal(StatusCodes.Status401Unauthorized, (await SendAsync("GET", Routes.Session, Cookie(third))).Response.StatusCode);
        _api.Db.UpdateUser(_api.Db.FindUser("bob")! with { Enabled = true });
        HttpContext after = await SendAsync("GET", Routes.Session, Cookie(third));
        Assert.Equal(StatusCodes.Status401Unauthorized, after.Response.StatusCode);
        Assert.StartsWith("the session cookie is not valid", await Message(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiToken_OpensASessionAsTheToken_AWrongOneIs401AndCounts_AndRevokingItEndsTheSession()
    {
        ApiToken token = ApiToken.New();
        Assert.True(_api.Db.TryInsertToken(new TokenRecord(token.Id, "bob", "web", token.SecretSha256, null, false, DateTimeOffset.UtcNow)));

        HttpContext login = await SendAsync("POST", Routes.Session, null, body: JsonSerializer.Serialize(new SessionRequest { Token = token.ToString() }, WireJson.Options));
        Assert.Equal(StatusCodes.Status201Created, login.Response.StatusCode);
        SessionInfo info = await Json<SessionInfo>(login);
        Assert.Equal(("bob", "bob!web"), (info.User, info.Display));
        HttpContext session = await SendAsync("GET", Routes.Session, Cookie(login));
        Assert.Equal(StatusCodes.Status200OK, session.Response.StatusCode);
        Assert.Equal("bob!web", (await Json<SessionInfo>(session)).Display);
        Assert.Contains(_api.Db.LoadAudit(), r => r.Action == "POST /v1/session" && r.User == "bob!web" && r.Result == "201 session opened with a token");

        HttpContext wrong = await SendAsync("POST", Routes.Session, null, body: JsonSerializer.Serialize(new SessionRequest { Token = $"hospes_{token.Id}_wrong" }, WireJson.Options));
        Assert.Equal(StatusCodes.Status401Unauthorized, wrong.Response.StatusCode);
        Assert.Empty(wrong.Response.Headers.SetCookie.ToString());

        Assert.True(_api.Db.DeleteToken("bob", "web"));
        HttpContext revoked = await SendAsync("GET", Routes.Session, Cookie(login));
        Assert.Equal(StatusCodes.Status401Unauthorized, revoked.Response.StatusCode);
    }

    [Fact]
    public async Task AConsoleTicket_ForAVmTheCallerMayNotUseTheConsoleOf_Is403NamingVmConsole()
    {
        HttpContext login = await LogInAsync("bob", "correct horse");
        string csrf = (await Json<SessionInfo>(login)).Csrf!;

        HttpContext ticket = await SendAsync("POST", Routes.Path(Routes.VmConsoleTicket, "web"), Cookie(login), csrf: csrf);

        Assert.Equal(StatusCodes.Status403Forbidden, ticket.Response.StatusCode);
        Assert.StartsWith("bob may not POST /v1/vms/{name}/console/ticket: it needs VM.Console", await Message(ticket), StringComparison.Ordinal);
    }

    private Task<HttpContext> LogInAsync(string user, string password) =>
        SendAsync("POST", Routes.Session, null, body: JsonSerializer.Serialize(new SessionRequest { User = user, Password = password }, WireJson.Options));

    private Task<HttpContext> SendAsync(string method, string path, string? cookie, string? csrf = null, string? origin = null, bool webSocket = false, string? body = null) =>
        _api.App.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Scheme = "https";
            c.Request.Host = new HostString("localhost");
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = Remote;
            if (cookie is not null)
            {
                c.Request.Headers.Cookie = cookie;
            }

            if (csrf is not null)
            {
                c.Request.Headers[WebSessions.CsrfHeader] = csrf;
            }

            if (origin is not null)
            {
                c.Request.Headers.Origin = origin;
            }

            if (webSocket)
            {
                c.Request.Headers.Upgrade = "websocket";
                c.Request.Headers.Connection = "Upgrade";
            }

            if (body is not null)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                c.Request.ContentType = "application/json";
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
                c.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
            }
        });

    /// <summary>The test server decides "no body" before a test sets one; minimal APIs would not read it.</summary>
    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    /// <summary>The cookie a browser would send back: name=value of the Set-Cookie.</summary>
    private static string Cookie(HttpContext login) => login.Response.Headers.SetCookie.ToString().Split(';')[0];

    private static async Task<T> Json<T>(HttpContext http)
    {
        return (await JsonSerializer.DeserializeAsync<T>(http.Response.Body, WireJson.Options))!;
    }

    private static async Task<string> Message(HttpContext http) => (await Json<ErrorBody>(http)).Error.Message;
}
