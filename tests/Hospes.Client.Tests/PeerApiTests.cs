using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Client.Tests;

/// <summary>Host to host over TLS: the server is accepted by its pinned fingerprint only, this host shows its certificate.</summary>
public sealed class PeerApiTests
{
    [Fact]
    public async Task APinnedServer_Answers_AndSeesTheClientCertificate()
    {
        using X509Certificate2 server = TestCertificate.Create("b");
        using X509Certificate2 own = TestCertificate.Create("a");
        await using var b = LoopbackServer.Tls(server, head => Task.FromResult<string?>(
            head.StartsWith("GET /v1/peer/hello ", StringComparison.Ordinal) ? """{"name":"b","fingerprint":"f"}""" : null));
        using var peer = PeerApi.Connect(b.Address, TestCertificate.FingerprintOf(server).ToUpperInvariant(), own, TimeSpan.FromSeconds(10));

        PeerJoinResponse hello = await peer.HelloAsync(default);

        Assert.Equal(("b", "f"), (hello.Name, hello.Fingerprint));
        Assert.Equal(TestCertificate.FingerprintOf(own), b.ClientFingerprint);
    }

    [Fact]
    public async Task AnotherCertificate_IsNotDelivered_AndItsFingerprintIsTold()
    {
        using X509Certificate2 server = TestCertificate.Create("c");
        using X509Certificate2 own = TestCertificate.Create("a");
        await using var c = LoopbackServer.Tls(server, _ => Task.FromResult<string?>("true"));
        string? presented = null;
        using var peer = PeerApi.Connect(c.Address, new string('0', 64), own, TimeSpan.FromSeconds(10), f => presented = f);

        var e = await Assert.ThrowsAsync<HospesApiException>(() => peer.HelloAsync(default));

        Assert.Equal(Delivery.NotDelivered, e.Delivery);
        Assert.Equal(TestCertificate.FingerprintOf(server), presented);
        Assert.IsType<AuthenticationException>(Assert.IsType<HttpRequestException>(e.InnerException).InnerException);
    }

    [Fact]
    public async Task AServerThatHangsUpAfterTheRequest_IsNoAnswer()
    {
        using X509Certificate2 server = TestCertificate.Create("b");
        using X509Certificate2 own = TestCertificate.Create("a");
        await using var b = LoopbackServer.Tls(server, _ => Task.FromResult<string?>(null));
        using var peer = PeerApi.Connect(b.Address, TestCertificate.FingerprintOf(server), own, TimeSpan.FromSeconds(10));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => peer.FinishMigrationAsync("m1", new MigrationFinish(Run: true, Postcopy: false), default));

        Assert.Equal((Delivery.NoAnswer, false), (e.Delivery, e.TimedOut));
    }

    [Fact]
    public async Task AServerThatNeverAnswers_TimesOut_AsNoAnswer()
    {
        using X509Certificate2 server = TestCertificate.Create("b");
        using X509Certificate2 own = TestCertificate.Create("a");
        await using var b = LoopbackServer.Tls(server, LoopbackServer.Silent);
        using var peer = PeerApi.Connect(b.Address, TestCertificate.FingerprintOf(server), own, TimeSpan.FromMilliseconds(500));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => peer.HelloAsync(default));

        Assert.Equal((Delivery.NoAnswer, true), (e.Delivery, e.TimedOut));
    }
}
