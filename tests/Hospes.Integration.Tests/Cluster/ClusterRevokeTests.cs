using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Hospes.Contracts;
using Hospes.Testing;
using static Hospes.Integration.Tests.Cluster.ClusterLab;

namespace Hospes.Integration.Tests.Cluster;

/// <summary>
/// A host removed from the cluster is no longer trusted by it (issue 17): with its own certificate files, kept as a
/// backup would keep them, etcd refuses it (on the members that remain, by the CRL hospesd hands etcd) and the member it
/// joined through refuses it on the peer channel, while the remaining hosts go on; it joins again with a new
/// certificate, which etcd takes, and its old one stays refused. Hosts are hospesd in namespaces (203.0.113.x); no
/// guest boots.
/// </summary>
public sealed class ClusterRevokeTests(TinyImage image) : IClassFixture<TinyImage>, IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly ClusterLab _lab = new(image, new() { Hosts = 3 });
    private Daemon _a = null!;
    private Daemon _b = null!;
    private Daemon _c = null!;

    public async Task InitializeAsync()
    {
        (_a, _b, _c) = await _lab.StartAsync();
        await _lab.FormAsync();
    }

    public Task DisposeAsync() => _lab.DisposeAsync();

    [Fact]
    public async Task ARemovedHost_IsRefusedByEtcdAndThePeerChannel_WithItsOwnCertificates_TheOthersGoOn_AndItJoinsAgainWithANewOne()
    {
        // C's files as a backup of it would have them: its cluster certificate for etcd, its hospesd certificate for the peer channel.
        string backup = _lab.TempDir("hit-crl-");
        foreach (string f in (string[])["ca.crt", "member.crt", "member.key"])
        {
            File.Copy(Path.Combine(_c.StateDir, "cluster", f), Path.Combine(backup, f));
        }

        foreach (string f in (string[])["server.crt", "server.key"])
        {
            File.Copy(Path.Combine(_c.StateDir, "tls", f), Path.Combine(backup, f));
        }

        string oldSerial = Serial(Path.Combine(backup, "member.crt"));

        // While a member, the same files work: etcd on A and B takes them, A's peer channel too (C joined through A).
        Assert.Equal(0, (await EtcdWithAsync(_c, backup, "https://203.0.113.1:2379")).ExitCode);
        Assert.Equal(0, (await EtcdWithAsync(_c, backup, "https://203.0.113.2:2379")).ExitCode);
        Assert.Equal("200", (await HelloAsync(_c, backup, "203.0.113.1")).Status);

        // C goes for good and is removed.
        await _c.KillHardAsync();
        await HostProcesses.KillAllAsync(_c.Dir + "/", "etcd");
        await ClusterWait.HostsAsync(_a, h => h.Any(x => x.Name == "host-c" && x.State == "down"), Limit);
        (await _a.CliAsync("cluster", "remove", "host-c")).Ok();
        string revoked = await EtcdGetAsync(_a, "/hospes/course/revoked");
        Assert.Contains("\"host\":\"host-c\"", revoked, StringComparison.Ordinal);
        Assert.Contains(oldSerial, revoked, StringComparison.OrdinalIgnoreCase);

        // etcd refuses C's certificate on both members that remain (B's reads the CRL within its 2 s round), and says why.
        foreach ((Daemon d, string url) in new[] { (_a, "https://203.0.113.1:2379"), (_b, "https://203.0.113.2:2379") })
        {
            await ClusterWait.UntilAsync(async () => (await EtcdWithAsync(_c, backup, url)).ExitCode != 0, Limit, $"etcd at {url} refuses C's certificate");
            await ClusterWait.UntilAsync(
                () => Task.FromResult(File.ReadAllText(Path.Combine(d.StateDir, "cluster", "etcd.log")).Contains($"certificate serial {GoHex(oldSerial)} revoked", StringComparison.Ordinal)),
                Limit,
                $"{url}'s log names the revoked serial {oldSerial}");
        }

        // A's peer channel refuses C's hospesd certificate (A still has it in its trusted hosts), and logs it; B's is taken.
        (string status, string body) = await HelloAsync(_c, backup, "203.0.113.1");
        Assert.Equal("403", status);
        Assert.Contains("host 'host-c' was removed from cluster 'course'", JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("refused host host-c on the peer channel", await File.ReadAllTextAsync(_a.LogPath), StringComparison.Ordinal);
        Assert.Equal("200", (await HelloAsync(_b, Path.Combine(_b.StateDir, "tls"), "203.0.113.1")).Status);

        // A and B go on: both up, etcd takes their own certificates, a VM is defined and claimed.
        await ClusterWait.HostsAsync(_b, h => h.Count == 2 && h.All(x => x.State == "up"), Limit);
        (await _b.CliAsync("define", _b.WriteConfig("after.cfg", Guest.Config("after")), "--host", "host-b")).Ok();
        Assert.Contains("\"host\":\"host-b\"", await EtcdGetAsync(_a, "/hospes/course/vms/after"), StringComparison.Ordinal);
        Assert.Contains("\"name\":\"host-a\"", await EtcdGetAsync(_b, "/hospes/course/members/host-a"), StringComparison.Ordinal);

        // C comes back, clears what it kept and joins again: a new certificate (new serial) that etcd takes; the old one stays refused.
        await _c.RestartAsync();
        await ClusterWait.UntilAsync(
            async () => await _c.CliAsync("cluster", "list") is { ExitCode: not 0 } r && r.Stderr.Contains("was removed from cluster 'course'", StringComparison.Ordinal),
            Limit,
            "C says it was removed");
        (await _c.CliAsync("cluster", "leave")).Ok();
        (await _c.CliAsync("cluster", "join", AddressA, "--token", await TokenAsync(_a))).Ok();
        await _lab.WaitUpAsync(Limit);
        string newSerial = Serial(Path.Combine(_c.StateDir, "cluster", "member.crt"));
        Assert.NotEqual(oldSerial, newSerial);
        Assert.Contains("\"name\":\"host-c\"", await EtcdGetAsync(_c, "/hospes/course/members/host-c"), StringComparison.Ordinal);
        Assert.Equal(0, (await EtcdWithAsync(_c, Path.Combine(_c.StateDir, "cluster"), "https://203.0.113.1:2379")).ExitCode);
        Assert.NotEqual(0, (await EtcdWithAsync(_c, backup, "https://203.0.113.1:2379")).ExitCode);
        Assert.Equal("200", (await HelloAsync(_c, backup, "203.0.113.1")).Status);
    }

    /// <summary>etcdctl in <paramref name="d"/>'s namespace against <paramref name="url"/> with the cluster certificate files in <paramref name="dir"/>.</summary>
    private static Task<CliResult> EtcdWithAsync(Daemon d, string dir, string url) =>
        d.Netns!.ExecAsync("env", "ETCDCTL_API=3", "etcdctl", "--endpoints", url, "--dial-timeout", "5s", "--command-timeout", "10s",
            "--cacert", Path.Combine(dir, "ca.crt"), "--cert", Path.Combine(dir, "member.crt"), "--key", Path.Combine(dir, "member.key"),
            "get", "/hospes/course/members/host-a", "--print-value-only");

    /// <summary>`GET /v1/peer/hello` on the host at <paramref name="address"/> from <paramref name="d"/>'s namespace with the hospesd certificate in <paramref name="dir"/>: status and body.</summary>
    private static async Task<(string Status, string Body)> HelloAsync(Daemon d, string dir, string address)
    {
        CliResult r = await d.Netns!.ExecAsync("curl", "-sk", "--max-time", "20", "--cert", Path.Combine(dir, "server.crt"), "--key", Path.Combine(dir, "server.key"),
            "-w", "\n%{http_code}", $"https://{address}:8443{Routes.PeerHello}");
        string[] lines = r.Stdout.TrimEnd().Split('\n');
        return (lines[^1], string.Join('\n', lines[..^1]));
    }

    /// <summary>A serial as etcd logs it (Go's %x of big.Int.Bytes(): lowercase, no leading zero bytes).</summary>
    private static string GoHex(string serial)
    {
        string hex = serial.ToLowerInvariant();
        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal))
        {
            hex = hex[2..];
        }

        return hex;
    }

    private static string Serial(string pemFile)
    {
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(pemFile));
        return cert.SerialNumber;
    }
}
