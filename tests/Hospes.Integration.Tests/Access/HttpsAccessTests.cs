using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Access;

/// <summary>
/// The real hospesd serving the whole API on loopback HTTPS (--listen) and its unix socket: no credentials are a 401, a
/// client certificate mapped with `hospes cert add` is its user (who, without an ACL entry, gets a 403 naming the grant),
/// root on the socket is the admin, and another unix user is refused, by the socket's mode and by its peer credentials.
/// </summary>
public sealed class HttpsAccessTests : IAsyncLifetime
{
    private readonly string _listen = $"127.0.0.1:{FreePort()}";
    private Daemon _d = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _d = await Daemon.StartAsync(null, null, "--listen", _listen);
        _dir = Directory.CreateTempSubdirectory("hit-access-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Https_WithoutCredentials401_WithAMappedCertificate403_RootOnTheSocket200()
    {
        (int status, string body, string headers) = await CurlAsync("/v1/host");
        Assert.Equal(401, status);
        Assert.Contains("www-authenticate: Bearer realm=\"hospes\"", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("authentication required", body, StringComparison.Ordinal);

        // A user and her certificate.
        (await _d.CliAsync("user", "create", "alice")).Ok();
        string cert = Path.Combine(_dir, "alice.pem");
        string key = Path.Combine(_dir, "alice.key");
        (await Run.ProcessAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=alice", "-keyout", key, "-out", cert])).Ok();

        // Unmapped, the certificate is named and refused; mapped, it logs in as alice, who may not read the host yet.
        (status, body, _) = await CurlAsync("/v1/host", "--cert", cert, "--key", key);
        Assert.Equal(401, status);
        Assert.Contains("is not mapped to a user; an admin maps it with hospes cert add USER FILE.pem", body, StringComparison.Ordinal);

        UserCertificateInfo added = await _d.JsonAsync<UserCertificateInfo>("cert", "add", "alice", cert, "--name", "laptop");
        Assert.Equal(("alice", "laptop"), (added.User, added.Name));
        Assert.Contains(added.Fingerprint, (await _d.CliAsync("cert", "list")).Ok().Stdout, StringComparison.Ordinal);

        (status, body, _) = await CurlAsync("/v1/host", "--cert", cert, "--key", key);
        Assert.Equal(403, status);
        Assert.Contains("alice may not GET /v1/host: it needs Sys.Audit on /", body, StringComparison.Ordinal);
        (status, _, _) = await CurlAsync("/v1/no-such-route", "--cert", cert, "--key", key);
        Assert.Equal(404, status);

        // Root on the unix socket is the admin.
        Assert.Equal(200, (await UnixCurlAsync("/v1/host")).Status);

        // Revoked: the next connection with it is refused.
        (await _d.CliAsync("cert", "remove", "alice", added.Fingerprint)).Ok();
        Assert.Equal(401, (await CurlAsync("/v1/host", "--cert", cert, "--key", key)).Status);
    }

    [Fact]
    public async Task AUnixUserWhoIsNotAnAdmin_IsRefused_ByTheSocketsMode_AndByItsPeerCredentials()
    {
        string[] nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", Repo.Hospes, "--socket", _d.Socket, "list"];
        File.SetUnixFileMode(_d.Dir, File.GetUnixFileMode(_d.Dir) | UnixFileMode.OtherExecute);

        // The socket is 0660 root's (or root:hospes-admin): the kernel refuses the connection, the CLI says why.
        CliResult refused = await Run.ProcessAsync("setpriv", nobody);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("the unix socket is for root and members of group hospes-admin", refused.Stderr, StringComparison.Ordinal);

        // Opened to all, hospesd itself refuses by SO_PEERCRED.
        File.SetUnixFileMode(_d.Socket, File.GetUnixFileMode(_d.Socket) | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        refused = await Run.ProcessAsync("setpriv", nobody);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("(uid 65534) may not use hospesd's unix socket: it is for root and members of group hospes-admin", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("hospes remote add", refused.Stderr, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Body, string Headers)> CurlAsync(string path, params string[] extra)
    {
        string headers = Path.Combine(_dir, "headers");
        CliResult r = await Run.ProcessAsync("curl", ["-sSk", "-D", headers, "-w", "\n%{http_code}", .. extra, $"https://{_listen}{path}"]);
        Assert.True(r.ExitCode == 0, $"curl {path} failed: {r.Stderr}");
        string[] lines = r.Stdout.TrimEnd().Split('\n');
        return (int.Parse(lines[^1], CultureInfo.InvariantCulture), string.Join('\n', lines[..^1]), await File.ReadAllTextAsync(headers));
    }

    private async Task<(int Status, string Body)> UnixCurlAsync(string path)
    {
        CliResult r = await Run.ProcessAsync("curl", ["-sS", "--unix-socket", _d.Socket, "-w", "\n%{http_code}", $"http://hospes{path}"]);
        string[] lines = r.Stdout.TrimEnd().Split('\n');
        return (int.Parse(lines[^1], CultureInfo.InvariantCulture), string.Join('\n', lines[..^1]));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
