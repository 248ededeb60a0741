using System.Net;
using System.Net.Sockets;
using Hospes.Core.Errors;
using Hospes.Host.Cluster;
using Hospes.Host.Cluster.Store;
using Hospes.Host.Settings;

namespace Hospes.Host.Tests.Cluster;

/// <summary>The cluster's etcd: which learner is promoted, the voters setting, taken ports, an admin's etcd URLs and credentials.</summary>
public sealed class ClusterEtcdTests
{
    private static readonly MemberRecord[] Records = [Record("a", 1), Record("b", 2), Record("c", 3), Record("d", 4), Record("e", 5)];

    [Fact]
    public void Promotable_NoneWhileTheVotersAreThere_ElseTheEarliestLearnerWhoseHostIsUp()
    {
        StoreMember[] etcd = [Member("a", false), Member("b", false), Member("c", false), Member("e", true), Member("d", true)];
        HashSet<string> up = ["a", "b", "c", "d", "e"];
        Assert.Null(ClusterService.Promotable(etcd, Records, up, new HashSet<string>(), 3));

        // c's voter gone (removed): d joined before e, so d.
        StoreMember[] two = [.. etcd.Where(m => m.Name != "c")];
        Assert.Equal("d", ClusterService.Promotable(two, Records, up, new HashSet<string>(), 3)?.Name);

        // c down too long: its voter does not count; d's host down: e.
        Assert.Equal("e", ClusterService.Promotable(etcd, Records, new HashSet<string> { "a", "b", "e" }, new HashSet<string> { "c" }, 3)?.Name);

        // Five voters wanted: a learner is promoted with all three up; none when no learner's host is up.
        Assert.Equal("d", ClusterService.Promotable(etcd, Records, up, new HashSet<string>(), 5)?.Name);
        Assert.Null(ClusterService.Promotable(two, Records, new HashSet<string> { "a", "b" }, new HashSet<string>(), 3));

        // A learner added but not started (no name) is not promoted.
        StoreMember[] starting = [Member("a", false), Member("b", false), new StoreMember(9, "", ["https://d:2380"], [], true)];
        Assert.Null(ClusterService.Promotable(starting, Records, up, new HashSet<string>(), 3));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    [InlineData("5", 5)]
    public void Voters_OneThreeOrFive(string value, int voters)
    {
        Assert.Equal(3, new HostOptions().EtcdVoters);
        Assert.Equal(voters, Apply("cluster.voters", value).Value.EtcdVoters);
    }

    [Theory]
    [InlineData("cluster.voters", "2", "1, 3 or 5")]
    [InlineData("cluster.voters", "7", "1, 3 or 5")]
    [InlineData("cluster.voter_down_s", "1", "from 10 to 86400")]
    [InlineData("cluster.etcd_client_port", "0", "TCP port")]
    [InlineData("cluster.etcd_peer_port", "70000", "TCP port")]
    public void BadEtcdSettings_AreRefusedNamingTheKey(string key, string value, string expected)
    {
        Result<HostOptions> r = Apply(key, value);
        Assert.False(r.IsOk);
        Assert.Contains($"{key} = {value}", r.Error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_SettingsParse_AndATakenPortIsNamed()
    {
        Assert.Equal((2379, 2380), (new HostOptions().EtcdClientPort, new HostOptions().EtcdPeerPort));
        Assert.Equal(12379, Apply("cluster.etcd_client_port", "12379").Value.EtcdClientPort);

        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int taken = ((IPEndPoint)busy.LocalEndpoint).Port;
        int free = FreePort();
        HospesError? clash = ClusterService.PortProblem(IPAddress.Loopback, taken, free);
        Assert.NotNull(clash);
        Assert.Contains($"etcd's client port {taken} on 127.0.0.1 is taken", clash.Message, StringComparison.Ordinal);
        Assert.Contains("--etcd-port", clash.Message, StringComparison.Ordinal);
        Assert.Contains($"peer port {taken}", ClusterService.PortProblem(IPAddress.Loopback, free, taken)!.Message, StringComparison.Ordinal);
        Assert.Contains("both", ClusterService.PortProblem(IPAddress.Loopback, free, free)!.Message, StringComparison.Ordinal);
        Assert.Null(ClusterService.PortProblem(IPAddress.Loopback, free, FreePort()));
    }

    [Fact]
    public void ExternalUrls_AreHttpOrHttpsWithAPort_OneScheme()
    {
        Assert.Equal(["https://10.0.0.5:2379", "https://10.0.0.6:2379"], ClusterService.ExternalUrls(["https://10.0.0.5:2379, https://10.0.0.6:2379/"]).Value);
        Assert.Equal(["http://etcd.example:2379"], ClusterService.ExternalUrls(["http://etcd.example:2379"]).Value);
        foreach (string bad in new[] { "10.0.0.5:2379", "https://10.0.0.5", "ftp://10.0.0.5:2379", "https://10.0.0.5:2379/v3", "" })
        {
            Result<IReadOnlyList<string>> r = ClusterService.ExternalUrls([bad]);
            Assert.False(r.IsOk, bad);
            Assert.Contains("--etcd", r.Error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("mixes", ClusterService.ExternalUrls(["https://a:2379,http://b:2379"]).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalCredentials_CertAndKeyTogether_PemChecked_NoneWithHttp()
    {
        using ClusterCa ca = ClusterCa.Create("x", DateTimeOffset.UtcNow);
        (string cert, string key) = ca.Issue("h", [IPAddress.Loopback], DateTimeOffset.UtcNow);
        Result<(System.Security.Cryptography.X509Certificates.X509Certificate2? Ca, System.Security.Cryptography.X509Certificates.X509Certificate2? Client)> ok =
            ClusterService.ExternalCredentials(new EtcdChoice { CaPem = ca.CertificatePem, CertificatePem = cert, KeyPem = key }, https: true);
        Assert.True(ok.IsOk);
        Assert.True(ok.Value.Client!.HasPrivateKey);
        ok.Value.Ca!.Dispose();
        ok.Value.Client.Dispose();

        Assert.Contains("go together", ClusterService.ExternalCredentials(new EtcdChoice { CertificatePem = cert }, true).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("are for https://", ClusterService.ExternalCredentials(new EtcdChoice { CaPem = ca.CertificatePem }, false).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("--etcd-ca: not a PEM certificate", ClusterService.ExternalCredentials(new EtcdChoice { CaPem = "junk" }, true).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("--etcd-cert/--etcd-key", ClusterService.ExternalCredentials(new EtcdChoice { CertificatePem = cert, KeyPem = "junk" }, true).Error!.Message, StringComparison.Ordinal);
    }

    private static Result<HostOptions> Apply(string key, string value)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $"{key} = {value}\n");
            return HostSettings.Load(file, new HostOptions());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static MemberRecord Record(string name, int minute) =>
        new() { Name = name, Fingerprint = "f", PeerUrl = $"https://{name}:2380", ClientUrl = $"https://{name}:2379", JoinedAt = DateTimeOffset.UnixEpoch.AddMinutes(minute) };

    private static StoreMember Member(string name, bool learner) =>
        new((ulong)name[0], name, [$"https://{name}:2380"], [$"https://{name}:2379"], learner);
}
