using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Web;

/// <summary>
/// The web UI's login over the real HTTPS listener (issue 15): a password opens a session, whose cookie alone then logs
/// in; a change with the cookie needs the CSRF token; logging out ends it.
/// </summary>
public sealed class WebSessionHttpsTests : IAsyncLifetime
{
    private readonly string _listen = $"127.0.0.1:{FreePort()}";
    private Daemon _d = null!;

    public async Task InitializeAsync()
    {
        _d = await Daemon.StartAsync(null, null, "--listen", _listen);
        (await _d.CliWithInputAsync("correct horse battery\n", "user", "create", "alice", "--password-stdin")).Ok();
    }

    public async Task DisposeAsync() => await _d.DisposeAsync();

    [Fact]
    public async Task APassword_OpensASession_TheCookieLogsIn_AChangeNeedsTheCsrfToken_LogoutEndsIt()
    {
        var cookies = new CookieContainer();
        using HttpClient http = Https(cookies);
        Uri session = new($"https://{_listen}{Routes.Session}");

        using HttpResponseMessage wrong = await http.PostAsJsonAsync(session, new SessionRequest { User = "alice", Password = "wrong" }, WireJson.Options);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using HttpResponseMessage login = await http.PostAsJsonAsync(session, new SessionRequest { User = "alice", Password = "correct horse battery" }, WireJson.Options);
        Assert.Equal(HttpStatusCode.Created, login.StatusCode);
        string setCookie = string.Join("; ", login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        SessionInfo info = (await login.Content.ReadFromJsonAsync<SessionInfo>(WireJson.Options))!;
        Assert.Equal("alice", info.User);

        // The cookie logs in (alice may list, and sees nothing); a change without the token is refused, naming the header.
        using HttpResponseMessage list = await http.GetAsync(new Uri($"https://{_listen}{Routes.Vms}"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using HttpResponseMessage change = await http.PostAsync(new Uri($"https://{_listen}{Routes.Path(Routes.VmStart, "web")}"), null);
        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        Assert.Contains("X-Hospes-CSRF", await change.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var logout = new HttpRequestMessage(HttpMethod.Delete, session);
        logout.Headers.Add("X-Hospes-CSRF", info.Csrf);
        using HttpResponseMessage ended = await http.SendAsync(logout);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        using HttpResponseMessage after = await http.GetAsync(session);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);

        string audit = (await _d.CliAsync("audit", "--user", "alice")).Ok().Stdout;
        Assert.Contains("session opened", audit, StringComparison.Ordinal);
        Assert.Contains("wrong user or password", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWebUi_IsServedWithoutALogin_OverHttpsAndTheUnixSocket_IndexUncached_AssetsImmutable()
    {
        using HttpClient http = Https(new CookieContainer());

        using HttpResponseMessage index = await http.GetAsync(new Uri($"https://{_listen}/"));
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());
        string html = await index.Content.ReadAsStringAsync();
        string script = Regex.Match(html, "/assets/main-[A-Z0-9]+\\.js").Value;
        Assert.NotEmpty(script);
        using var gzip = new HttpRequestMessage(HttpMethod.Get, new Uri($"https://{_listen}{script}"));
        gzip.Headers.AcceptEncoding.ParseAdd("gzip");
        using HttpResponseMessage asset = await http.SendAsync(gzip);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(["gzip"], asset.Content.Headers.ContentEncoding);

        // The API next to it keeps its login; the unix socket serves the same page.
        using HttpResponseMessage api = await http.GetAsync(new Uri($"https://{_listen}{Routes.Vms}"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        string overSocket = (await Run.ProcessAsync("curl", ["-sS", "--fail", "--unix-socket", _d.Socket, "http://hospesd/"])).Ok().Stdout;
        Assert.Contains(script, overSocket, StringComparison.Ordinal);
    }

    private HttpClient Https(CookieContainer cookies)
    {
        using X509Certificate2 own = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_d.StateDir, "tls", "server.crt")));
        byte[] pinned = own.RawData;
        return new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = cookies,
            SslOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(pinned) },
        });
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
