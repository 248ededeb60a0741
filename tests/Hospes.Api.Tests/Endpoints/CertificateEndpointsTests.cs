using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Api.Tests.Access;
using Hospes.Client;
using Hospes.Contracts;
using Hospes.Host.Access;

namespace Hospes.Api.Tests.Endpoints;

/// <summary>`hospes cert`: which client certificates log in as which user; bad input is refused naming the fix.</summary>
public sealed class CertificateEndpointsTests : IAsyncLifetime
{
    private ApiHost _api = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiHost.StartAsync();
        _api.Db.TryInsertUser(new UserRecord("alice", null, null, true, DateTimeOffset.UtcNow));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AddListRemove_ByFingerprint_WithOrWithoutColons()
    {
        using X509Certificate2 cert = AccessMiddlewareTests.Certificate("alice-laptop");
        string fingerprint = Convert.ToHexStringLower(SHA256.HashData(cert.RawData));

        UserCertificateInfo added = await _api.Client.Certificates.AddAsync("alice", new UserCertificateRequest { Certificate = cert.ExportCertificatePem() }, CancellationToken.None);

        Assert.Equal(("alice", fingerprint, "alice-laptop"), (added.User, added.Fingerprint, added.Name));
        Assert.Equal([fingerprint], (await _api.Client.Certificates.ListAsync("alice", CancellationToken.None)).Select(c => c.Fingerprint));
        Assert.Equal([fingerprint], (await _api.Client.Certificates.ListAsync(null, CancellationToken.None)).Select(c => c.Fingerprint));
        string colons = string.Join(':', fingerprint.ToUpperInvariant().Chunk(2).Select(c => new string(c)));
        await _api.Client.Certificates.RemoveAsync("alice", colons, CancellationToken.None);
        Assert.Empty(await _api.Client.Certificates.ListAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task BadInput_IsRefused_NamingTheFix()
    {
        using X509Certificate2 cert = AccessMiddlewareTests.Certificate("alice-laptop");
        using var key = ECDsa.Create();
        string pem = cert.ExportCertificatePem();

        Assert.Equal("no user bob; create it with hospes user create bob", await Refusal(() => _api.Client.Certificates.AddAsync("bob", new UserCertificateRequest { Certificate = pem }, CancellationToken.None)));
        Assert.Equal("no certificate found: give a PEM file that starts with -----BEGIN CERTIFICATE-----", await Refusal(() => _api.Client.Certificates.AddAsync("alice", new UserCertificateRequest { Certificate = "hello" }, CancellationToken.None)));
        Assert.StartsWith("the file holds a private key", await Refusal(() => _api.Client.Certificates.AddAsync("alice", new UserCertificateRequest { Certificate = pem + key.ExportPkcs8PrivateKeyPem() }, CancellationToken.None)), StringComparison.Ordinal);
        Assert.StartsWith("\"xyz\" is not a certificate fingerprint", await Refusal(() => _api.Client.Certificates.RemoveAsync("alice", "xyz", CancellationToken.None)), StringComparison.Ordinal);
        await _api.Client.Certificates.AddAsync("alice", new UserCertificateRequest { Certificate = pem }, CancellationToken.None);
        Assert.StartsWith("the certificate ", await Refusal(() => _api.Client.Certificates.AddAsync("alice", new UserCertificateRequest { Certificate = pem }, CancellationToken.None)), StringComparison.Ordinal);
    }

    private static async Task<string> Refusal(Func<Task> call) => (await Assert.ThrowsAsync<HospesApiException>(call)).Message;
}
