using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Host.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hospes.Host.Tests.Cluster;

/// <summary>
/// A removed host's certificates revoked: the CRL the cluster CA signs lists its serial (and no other), a CRL of another
/// CA or no CRL at all is refused; the `revoked` record adds a host once, readmits a host that joins again (its old
/// serial stays revoked) and revokes it again later; a member writes the CRL the key holds to its file, never one the
/// CA did not sign, and has an empty one before etcd starts.
/// </summary>
public sealed class RevocationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();
    private readonly ClusterCa _ca = ClusterCa.Create("course", Now);

    [Fact]
    public void TheCrl_ListsTheRevokedSerial_AndNoOther_AndOnlyItsCaVerifiesIt()
    {
        string b = Serial(_ca.Issue("host-b", [IPAddress.Parse("203.0.113.2")], Now).CertificatePem);
        string c = Serial(_ca.Issue("host-c", [IPAddress.Parse("203.0.113.3")], Now).CertificatePem);

        byte[] crl = _ca.RevocationList([(b, Now)], 1, Now);

        IReadOnlySet<string> listed = ClusterCa.RevokedSerials(_ca.Certificate, crl) ?? throw new InvalidOperationException("not verified");
        Assert.Equal([ClusterCa.Minimal(b)], listed);
        Assert.DoesNotContain(ClusterCa.Minimal(c), listed);
        using ClusterCa other = ClusterCa.Create("course", Now);
        Assert.Null(ClusterCa.RevokedSerials(other.Certificate, crl));
        Assert.Null(ClusterCa.RevokedSerials(_ca.Certificate, [0x30, 0x03, 0x02, 0x01, 0x01]));
        Assert.Empty(ClusterCa.RevokedSerials(_ca.Certificate, _ca.RevocationList([], 0, Now))!);
    }

    [Fact]
    public void ASerial_IsMinimal_AsDerHasIt()
    {
        Assert.Equal("7F01", ClusterCa.Minimal("007f01"));
        Assert.Equal("0080", ClusterCa.Minimal("0080"));
        Assert.Equal("00", ClusterCa.Minimal("00"));
    }

    [Fact]
    public void AHost_IsRevokedOnce_ReadmittedWhenItJoinsAgain_WithItsOldSerialStillRevoked_AndRevokedAgainLater()
    {
        var first = new RevokedHost("host-c", "7A01", "ab12", Now, "host-a");
        RevocationRecord one = RevocationRecord.With(null, first, _ca, Now)!;
        Assert.Equal(1, one.Number);
        Assert.Equal("host-c", one.Peer("AB12")?.Host);
        Assert.Null(one.Peer("cd34"));
        Assert.Equal(["7A01"], Listed(one));
        Assert.Null(RevocationRecord.With(one, first with { At = Now.AddMinutes(1), By = "host-b" }, _ca, Now));

        // It joins again (new certificate, same hospesd identity): the peer channel takes it, its old serial stays in the CRL.
        RevocationRecord back = one.Readmit("ab12")!;
        Assert.Null(back.Peer("ab12"));
        Assert.Equal(["7A01"], Listed(back));
        Assert.Null(back.Readmit("ab12"));

        // And is removed again: both serials revoked, its fingerprint refused again.
        RevocationRecord two = RevocationRecord.With(back, new RevokedHost("host-c", "7B02", "ab12", Now, "host-a"), _ca, Now)!;
        Assert.Equal(2, two.Number);
        Assert.Equal("host-c", two.Peer("ab12")?.Host);
        Assert.Equal(["7A01", "7B02"], Listed(two).Order(StringComparer.Ordinal));

        // A host whose record had no serial (an older member): its fingerprint only.
        RevocationRecord three = RevocationRecord.With(two, new RevokedHost("host-d", null, "ef56", Now, "host-a"), _ca, Now)!;
        Assert.Equal("host-d", three.Peer("ef56")?.Host);
        Assert.Equal(2, Listed(three).Count);
    }

    [Fact]
    public async Task AMember_WritesTheKeysCrl_ToItsFile_ButNotOneItsCaDidNotSign_AndHasAnEmptyOneBeforeEtcdStarts()
    {
        var files = new ClusterFiles(_dir.Path);
        Directory.CreateDirectory(files.Dir);
        await File.WriteAllTextAsync(files.CaCertificate, _ca.CertificatePem);
        await File.WriteAllTextAsync(files.CaKey, _ca.KeyPem);

        ClusterRevocations.EnsureCrl(files, Now);
        Assert.Empty(ClusterCa.RevokedSerials(_ca.Certificate, await File.ReadAllBytesAsync(files.Crl))!);

        var store = new FakeClusterStore();
        var keys = new ClusterKeys("course");
        await using var revocations = new ClusterRevocations(store, keys, files, TimeProvider.System, NullLogger.Instance);
        await revocations.PollAsync(CancellationToken.None);
        Assert.Null(revocations.Current);

        RevocationRecord record = RevocationRecord.With(null, new RevokedHost("host-c", "7A01", "ab12", Now, "host-a"), _ca, Now)!;
        await store.PutAsync(keys.Revoked, ClusterMembership.Json(record), 0, CancellationToken.None);
        await revocations.PollAsync(CancellationToken.None);
        Assert.Equal(["7A01"], ClusterCa.RevokedSerials(_ca.Certificate, await File.ReadAllBytesAsync(files.Crl))!);
        Assert.Equal("host-c", revocations.Peer("ab12")?.Host);

        // A CRL another CA signed is not handed to etcd: the last good one stays.
        using ClusterCa other = ClusterCa.Create("course", Now);
        RevocationRecord forged = RevocationRecord.With(null, new RevokedHost("host-a", "7C03", "0000", Now, "host-x"), other, Now)!;
        await store.PutAsync(keys.Revoked, ClusterMembership.Json(forged), 0, CancellationToken.None);
        await revocations.PollAsync(CancellationToken.None);
        Assert.Equal(["7A01"], ClusterCa.RevokedSerials(_ca.Certificate, await File.ReadAllBytesAsync(files.Crl))!);
        Assert.False(File.Exists(files.Crl + ".new"));

        // Nor one that is not even base64: refused the same way, and the member goes on reading.
        await store.PutAsync(keys.Revoked, ClusterMembership.Json(forged with { Crl = "not base64!" }), 0, CancellationToken.None);
        await revocations.PollAsync(CancellationToken.None);
        Assert.Equal(["7A01"], ClusterCa.RevokedSerials(_ca.Certificate, await File.ReadAllBytesAsync(files.Crl))!);
    }

    [Fact]
    public void EtcdIsStarted_WithTheCrl_ForClientsAndPeers()
    {
        var files = new ClusterFiles(_dir.Path);
        var config = new ClusterConfig { Name = "course", Member = "host-a", PeerUrl = "https://203.0.113.1:2380", ClientUrl = "https://203.0.113.1:2379", InitialCluster = "host-a=https://203.0.113.1:2380", InitialState = "new", Endpoints = ["https://203.0.113.1:2379"] };
        IReadOnlyList<string> args = EtcdMember.Arguments(files, config);
        Assert.Equal(files.Crl, args[args.ToList().IndexOf("--client-crl-file") + 1]);
        Assert.Equal(files.Crl, args[args.ToList().IndexOf("--peer-crl-file") + 1]);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    private static string Serial(string pem)
    {
        using var cert = X509Certificate2.CreateFromPem(pem);
        return cert.SerialNumber;
    }

    private IReadOnlySet<string> Listed(RevocationRecord record) =>
        ClusterCa.RevokedSerials(_ca.Certificate, Convert.FromBase64String(record.Crl)) ?? throw new InvalidOperationException("not verified");
}
