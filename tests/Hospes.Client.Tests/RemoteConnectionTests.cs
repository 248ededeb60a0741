using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Hospes.Client.Tests.Support;
using Hospes.Contracts;

namespace Hospes.Client.Tests;

/// <summary>`hospes remote`'s transport against a real Kestrel over HTTPS: the pin, the Bearer token, the refusals' words.</summary>
public sealed class RemoteConnectionTests
{
    private const string Token = "hospes_0123456789abcdef_secret";

    [Fact]
    public async Task ThePinnedFingerprint_IsAccepted_AndTheTokenGoesWithTheRequest()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        using var client = new HospesClient(HospesConnection.Remote(server.Url, Token, server.Fingerprint.ToUpperInvariant(), name: "course"));

        string log = await client.Console.LogAsync("web", default);

        Assert.Equal("log of web", log);
        Assert.Equal($"Bearer {Token}", Assert.Single(server.Authorizations));
    }

    [Fact]
    public async Task AFingerprintWithColons_AsOpensslPrintsIt_IsThePin()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        string colons = string.Join(':', server.Fingerprint.Chunk(2).Select(c => new string(c)));
        using var client = new HospesClient(HospesConnection.Remote(server.Url, Token, $"SHA256:{colons}"));

        Assert.Equal("log of web", await client.Console.LogAsync("web", default));
    }

    [Fact]
    public async Task AnotherCertificate_IsRefusedLoudly_NamingBothFingerprints_AndHowToRepin_WithoutSendingTheToken()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        string pinned = new('a', 64);
        using var client = new HospesClient(HospesConnection.Remote(server.Url, Token, pinned, name: "course"));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Console.LogAsync("web", default));

        Assert.Equal(HospesConnection.CertificateChanged, e.Code);
        Assert.Equal(Delivery.NotDelivered, e.Delivery);
        Assert.StartsWith("REMOTE HOST IDENTIFICATION HAS CHANGED", e.Message, StringComparison.Ordinal);
        Assert.Contains(server.Fingerprint, e.Message, StringComparison.Ordinal);
        Assert.Contains(pinned, e.Message, StringComparison.Ordinal);
        Assert.Contains($"hospes remote remove course && hospes remote add course https://127.0.0.1:{server.Url.Port} --fingerprint {server.Fingerprint}", e.Message, StringComparison.Ordinal);
        Assert.Empty(server.Authorizations);
    }

    [Fact]
    public async Task AnotherCertificate_IsRefusedOnAWebSocketToo()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        using var client = new HospesClient(HospesConnection.Remote(server.Url, Token, new string('b', 64), name: "course"));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Console.ConnectAsync("web", default));

        Assert.Equal(HospesConnection.CertificateChanged, e.Code);
        Assert.Contains(server.Fingerprint, e.Message, StringComparison.Ordinal);
        Assert.Empty(server.Authorizations);
    }

    [Fact]
    public async Task TheToken_GoesWithAWebSocket()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        using var client = new HospesClient(HospesConnection.Remote(server.Url, Token, server.Fingerprint));

        using ClientWebSocket ws = await client.Console.ConnectAsync("web", default);
        await ws.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Binary, true, default);
        byte[] buffer = new byte[16];
        WebSocketReceiveResult r = await ws.ReceiveAsync(buffer, default);

        Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(buffer, 0, r.Count));
        Assert.Equal($"Bearer {Token}", Assert.Single(server.Authorizations));
    }

    [Fact]
    public async Task AWrongToken_Is401_SayingHowToGetOne()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        using var client = new HospesClient(HospesConnection.Remote(server.Url, "hospes_wrong", server.Fingerprint, name: "course"));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Console.LogAsync("web", default));

        Assert.Equal((ErrorCodes.Unauthenticated, System.Net.HttpStatusCode.Unauthorized), (e.Code, e.Status));
        Assert.StartsWith("unknown or revoked token (the token was refused)", e.Message, StringComparison.Ordinal);
        Assert.Contains("`hospes token create USER`", e.Message, StringComparison.Ordinal);
        Assert.Contains("hospes remote add course", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongToken_OnAWebSocket_Is401_SayingHowToGetOne()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        using var client = new HospesClient(HospesConnection.Remote(server.Url, "hospes_wrong", server.Fingerprint, name: "course"));

        var e = await Assert.ThrowsAsync<HospesApiException>(() => client.Console.ConnectAsync("web", default));

        Assert.Equal(ErrorCodes.Unauthenticated, e.Code);
        Assert.Contains("`hospes token create USER`", e.Message, StringComparison.Ordinal);
        Assert.Equal("Bearer hospes_wrong", Assert.Single(server.Authorizations));
    }

    [Fact]
    public async Task AClientCertificate_FromPemFiles_IsPresented()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);
        using var dir = new TempDir();
        using X509Certificate2 own = TestCertificate.Create("alice");
        File.WriteAllText(dir.File("alice.crt"), own.ExportCertificatePem());
        File.WriteAllText(dir.File("alice.key"), own.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        using X509Certificate2 loaded = HospesConnection.LoadClientCertificate(dir.File("alice.crt"), dir.File("alice.key"));
        using var client = new HospesClient(HospesConnection.Remote(server.Url, Token, server.Fingerprint, loaded));

        await client.Console.LogAsync("web", default);

        Assert.Equal(TestCertificate.FingerprintOf(own), server.ClientFingerprint);
    }

    [Fact]
    public void AClientCertificateThatIsNotPem_IsRefused_NamingTheFiles()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.crt"), "not a certificate");
        File.WriteAllText(dir.File("a.key"), "not a key");

        var e = Assert.Throws<HospesApiException>(() => HospesConnection.LoadClientCertificate(dir.File("a.crt"), dir.File("a.key")));

        Assert.Contains(dir.File("a.crt"), e.Message, StringComparison.Ordinal);
        Assert.Contains("PEM", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServersFingerprint_IsReadFromTheHandshake_WhateverItIs()
    {
        await using BearerServer server = await BearerServer.StartAsync(Token);

        string seen = await HospesConnection.ServerFingerprintAsync(server.Url, default);

        Assert.Equal(server.Fingerprint, seen);
        Assert.Empty(server.Authorizations);
    }

    [Fact]
    public async Task NoServer_IsUnreachable_WhenReadingItsFingerprint()
    {
        var e = await Assert.ThrowsAsync<HospesApiException>(() => HospesConnection.ServerFingerprintAsync(new Uri($"https://{LoopbackServer.RefusingAddress()}"), default));

        Assert.Equal((HospesApiException.Unreachable, Delivery.NotDelivered), (e.Code, e.Delivery));
    }

    [Fact]
    public void APlainHttpUrl_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => HospesConnection.Remote(new Uri("http://127.0.0.1:8443"), Token, new string('a', 64)));
    }
}
