using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Testing;

namespace Hospes.Integration.Tests.Remote;

/// <summary>
/// `hospes remote` against the real hospesd on loopback HTTPS (its own certificate, --listen), with the remotes in a
/// temp XDG_CONFIG_HOME: the pin at first use, a changed certificate, and every command through the remote.
/// </summary>
public sealed class RemoteTests : IAsyncLifetime
{
    private readonly string _config = Directory.CreateTempSubdirectory("ht-remote-").FullName;
    private Daemon _d = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        string listen = $"127.0.0.1:{FreePort()}";
        _url = $"https://{listen}";
        _d = await Daemon.StartAsync(null, null, "--listen", listen);
    }

    public async Task DisposeAsync()
    {
        await _d.DisposeAsync();
        Directory.Delete(_config, recursive: true);
    }

    private string Store => Path.Combine(_config, "hospes", "remotes.json");

    [Fact]
    public async Task RemoteAdd_ShowsTheFingerprintHospesdHas_AndWithoutATerminal_RefusesNamingItAndTheFlag()
    {
        string reason = (await HospesAsync(null, "remote", "add", "h", _url, "--token", "hospes_0123456789abcdef_x")).Fails();

        Assert.Contains($"(SHA-256 {Fingerprint()}) unasked", reason, StringComparison.Ordinal);
        Assert.Contains($"--fingerprint {Fingerprint()} (or --accept-certificate)", reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public async Task RemoteAdd_PinningAnotherFingerprint_IsRefusedLoudly_NamingBoth()
    {
        string pinned = new('a', 64);

        string reason = (await HospesAsync(null, "remote", "add", "h", _url, "--token", "hospes_0123456789abcdef_x", "--fingerprint", pinned)).Fails();

        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", reason, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(), reason, StringComparison.Ordinal);
        Assert.Contains(pinned, reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public async Task EveryCommand_WorksThroughTheRemote_AsOnTheSocket()
    {
        (await _d.CliAsync("user", "create", "alice")).Ok();
        string token = (await _d.CliAsync("token", "create", "alice", "--name", "cli")).Ok().Stdout.Trim().Split('\n')[0];
        (await _d.CliAsync("acl", "set", "/", "--user", "alice", "--role", "Admin")).Ok();

        (await HospesAsync(token + "\n", "remote", "add", "h", _url, "--token-stdin", "--fingerprint", Fingerprint())).Ok();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Store));

        // The same answers as over the socket, through --remote and through the current remote.
        // (network list, not host info: the host's free memory moves between two calls.)
        string local = (await _d.CliAsync("network", "list", "--format", "json")).Ok().Stdout;
        Assert.Equal(local, (await HospesAsync(null, "--remote", "h", "network", "list", "--format", "json")).Ok().Stdout);
        (await HospesAsync(null, "--remote", "h", "host", "info")).Ok();
        (await HospesAsync(null, "remote", "switch", "h")).Ok();
        (await HospesAsync(null, "disk", "create", "rdisk", "--size", "16M")).Ok();
        Assert.Contains("rdisk", (await _d.CliAsync("disk", "list")).Ok().Stdout, StringComparison.Ordinal);
        (await HospesAsync(null, "disk", "delete", "rdisk")).Ok();
        Assert.Contains("\"openapi\"", (await Run.ProcessAsync("curl", ["-sS", "--fail", "-k", "-H", $"Authorization: Bearer {token}", $"{_url}/v1/openapi.json"])).Ok().Stdout, StringComparison.Ordinal);

        // A revoked token: 401, with how to get another.
        (await _d.CliAsync("token", "revoke", "alice", "cli")).Ok();
        Assert.Contains("hospes token create USER", (await HospesAsync(null, "list")).Fails(), StringComparison.Ordinal);
    }

    private Task<CliResult> HospesAsync(string? stdin, params string[] args) =>
        Run.ProcessAsync(Repo.Hospes, args, new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = _config, ["HOSPES_SOCKET"] = "", ["HOSPES_REMOTE"] = "" }, stdin, TimeSpan.FromSeconds(60));

    /// <summary>SHA-256 of hospesd's own certificate, as it made it at start.</summary>
    private string Fingerprint()
    {
        using X509Certificate2 cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_d.StateDir, "tls", "server.crt")));
        return Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
