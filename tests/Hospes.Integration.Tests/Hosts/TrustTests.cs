using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Hosts;

/// <summary>
/// Two hosts, each a hospesd in its own network namespace, joined by a veth pair (203.0.113.1 and .2): tokens,
/// `host add`, pinning, and what the TCP listener lets through (peer routes to trusted hosts, the rest to users who log in). Nothing here leaves the namespaces the test made.
/// </summary>
public sealed class TrustTests : IAsyncLifetime
{
    private const string AddressA = "203.0.113.1:8443";
    private const string AddressB = "203.0.113.2:8443";
    private NetNs _nsA = null!;
    private NetNs _nsB = null!;
    private Daemon _a = null!;
    private Daemon _b = null!;

    public async Task InitializeAsync()
    {
        _nsA = await NetNs.CreateAsync();
        _nsB = await NetNs.CreateAsync();
        await NetNs.LinkAsync(_nsA, _nsB, "203.0.113.1/24", "203.0.113.2/24");
        _a = await Daemon.StartAsync(null, _nsA, "--listen", AddressA, "--host-name", "host-a");
        _b = await Daemon.StartAsync(null, _nsB, "--listen", AddressB, "--host-name", "host-b");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _nsA.DisposeAsync();
        await _nsB.DisposeAsync();
    }

    [Fact]
    public async Task TokenThenAdd_BothHostsTrustEachOther_WithMatchingFingerprints_AndTheTokenWorksOnce()
    {
        string token = await TokenAsync(_b);
        HostPeerInfo added = await _a.JsonAsync<HostPeerInfo>("host", "add", "b", AddressB, "--token", token);
        Assert.Equal(("b", AddressB, Fingerprint(_b)), (added.Name, added.Address, added.Fingerprint));

        HostPeerInfo onA = Assert.Single(await _a.JsonAsync<List<HostPeerInfo>>("host", "list"));
        HostPeerInfo onB = Assert.Single(await _b.JsonAsync<List<HostPeerInfo>>("host", "list"));
        Assert.Equal(("b", AddressB, Fingerprint(_b)), (onA.Name, onA.Address, onA.Fingerprint));
        Assert.Equal(("host-a", AddressA, Fingerprint(_a)), (onB.Name, onB.Address, onB.Fingerprint));
        Assert.Contains(Fingerprint(_b)[..16], (await _a.CliAsync("host", "list")).Ok().Stdout, StringComparison.Ordinal);

        // Each side reaches the other through PeerService.Client: pinned TLS, its own certificate as client certificate.
        Assert.Contains("\"host-b\"", await CheckAsync(_a, "b"), StringComparison.Ordinal);
        Assert.Contains("\"host-a\"", await CheckAsync(_b, "host-a"), StringComparison.Ordinal);

        // The token is spent: after A forgets B, the same token is refused by B and A stays without B.
        (await _a.CliAsync("host", "remove", "b")).Ok();
        string reason = (await _a.CliAsync("host", "add", "b", AddressB, "--token", token)).Fails();
        Assert.Contains("already used", reason, StringComparison.Ordinal);
        Assert.Empty(await _a.JsonAsync<List<HostPeerInfo>>("host", "list"));
        Assert.Single(await _b.JsonAsync<List<HostPeerInfo>>("host", "list"));
    }

    [Fact]
    public async Task WrongToken_IsRefused_AndLeavesNoRowOnEitherSide()
    {
        // A token with B's real fingerprint and address but a secret B never issued.
        JsonObject json = JsonNode.Parse(Base64Url.DecodeFromChars((await TokenAsync(_b)).AsSpan("hospes1.".Length)))!.AsObject();
        json["secret"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        string forged = "hospes1." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(json));

        string reason = (await _a.CliAsync("host", "add", "b", AddressB, "--token", forged)).Fails();
        Assert.Contains("host 'host-b' refused the join token", reason, StringComparison.Ordinal);
        Assert.Contains("not a Hospes join token", (await _a.CliAsync("host", "add", "b", AddressB, "--token", "garbage")).Fails(), StringComparison.Ordinal);
        Assert.Contains("expected HOST:PORT", (await _a.CliAsync("host", "add", "b", "203.0.113.2", "--token", forged)).Fails(), StringComparison.Ordinal);
        Assert.Contains("cannot reach hospesd at 203.0.113.2:9", (await _a.CliAsync("host", "add", "b", "203.0.113.2:9", "--token", await TokenAsync(_b))).Fails(), StringComparison.Ordinal);

        Assert.Empty(await _a.JsonAsync<List<HostPeerInfo>>("host", "list"));
        Assert.Empty(await _b.JsonAsync<List<HostPeerInfo>>("host", "list"));
    }

    [Fact]
    public async Task UntrustedClientCertificate_Gets403OnPeerRoutes_AndOtherRoutesAre401OnTheTcpPort()
    {
        string dir = Directory.CreateTempSubdirectory("hit-cert-").FullName;
        try
        {
            (await Run.ProcessAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=stranger", "-keyout", Path.Combine(dir, "k.pem"), "-out", Path.Combine(dir, "c.pem")])).Ok();

            (int status, string body) = await CurlAsync(_nsA, $"https://{AddressB}/v1/peer/hello", "--cert", Path.Combine(dir, "c.pem"), "--key", Path.Combine(dir, "k.pem"));
            Assert.Equal(403, status);
            Assert.Contains("this host does not trust the caller", body, StringComparison.Ordinal);

            Assert.Equal(403, (await CurlAsync(_nsA, $"https://{AddressB}/v1/peer/hello")).Status);

            // The TCP listener serves the whole API to users who log in: a host's stranger certificate is not a user.
            (status, body) = await CurlAsync(_nsA, $"https://{AddressB}/v1/vms");
            Assert.Equal(401, status);
            Assert.Contains("authentication required", body, StringComparison.Ordinal);
            (status, body) = await CurlAsync(_nsA, $"https://{AddressB}/v1/vms", "--cert", Path.Combine(dir, "c.pem"), "--key", Path.Combine(dir, "k.pem"));
            Assert.Equal(401, status);
            Assert.Contains("is not mapped to a user", body, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TokenFromAnotherHost_FailsNamingBothFingerprints_AndAHostWithoutListenGivesNoToken()
    {
        await using Daemon c = await Daemon.StartAsync(null, _nsB, "--listen", "203.0.113.2:8444", "--host-name", "host-c");
        await using Daemon quiet = await Daemon.StartAsync(null, null, "--host-name", "host-q");

        string reason = (await _a.CliAsync("host", "add", "b", AddressB, "--token", await TokenAsync(c))).Fails();
        Assert.Contains(Fingerprint(_b), reason, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(c), reason, StringComparison.Ordinal);
        Assert.Empty(await _a.JsonAsync<List<HostPeerInfo>>("host", "list"));
        Assert.Empty(await _b.JsonAsync<List<HostPeerInfo>>("host", "list"));
        Assert.Empty(await c.JsonAsync<List<HostPeerInfo>>("host", "list"));

        Assert.Contains("does not listen for other hosts; start it with --listen ADDR:PORT", (await quiet.CliAsync("host", "token")).Fails(), StringComparison.Ordinal);
    }

    private static async Task<string> TokenAsync(Daemon d) => (await d.JsonAsync<HostTokenInfo>("host", "token")).Token;

    private static string Fingerprint(Daemon d)
    {
        using X509Certificate2 cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(d.StateDir, "tls", "server.crt")));
        return Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
    }

    private static async Task<string> CheckAsync(Daemon d, string peer)
    {
        CliResult r = await Run.ProcessAsync("curl", ["-sS", "--unix-socket", d.Socket, "-X", "POST", $"http://hospes/v1/host/peers/{peer}/check"]);
        return r.Stdout;
    }

    private static async Task<(int Status, string Body)> CurlAsync(NetNs ns, string url, params string[] extra)
    {
        CliResult r = await ns.ExecAsync(["curl", "-sSk", "-w", "\n%{http_code}", .. extra, url]);
        Assert.True(r.ExitCode == 0, $"curl {url} failed: {r.Stderr}");
        string[] lines = r.Stdout.TrimEnd().Split('\n');
        return (int.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture), string.Join('\n', lines[..^1]));
    }
}
