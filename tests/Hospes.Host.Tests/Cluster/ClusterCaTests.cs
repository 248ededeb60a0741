using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hospes.Host.Cluster;
using Hospes.Host.Peers;

namespace Hospes.Host.Tests.Cluster;

public class ClusterCaTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AMemberCertificate_ChainsToItsCa_ServesAndConnects_AndNamesTheHostAndItsAddress()
    {
        using ClusterCa ca = ClusterCa.Create("course", Now);
        (string pem, string key) = ca.Issue("host-b", [IPAddress.Parse("203.0.113.2")], Now);
        using var cert = X509Certificate2.CreateFromPem(pem, key);

        Assert.True(ClusterCa.Verifies(ca.Certificate, cert));
        Assert.True(cert.HasPrivateKey);
        Assert.Equal("CN=host-b", cert.Subject);
        var usages = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        var names = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["203.0.113.2", "127.0.0.1"], names.EnumerateIPAddresses().Select(a => a.ToString()));
        Assert.Equal(["host-b"], names.EnumerateDnsNames());
    }

    [Fact]
    public void ACertificateOfAnotherCa_OrSelfSigned_IsNotVerified()
    {
        using ClusterCa ca = ClusterCa.Create("course", Now);
        using ClusterCa other = ClusterCa.Create("course", Now);
        (string pem, string key) = other.Issue("host-x", [], Now);
        using var stranger = X509Certificate2.CreateFromPem(pem, key);

        Assert.False(ClusterCa.Verifies(ca.Certificate, stranger));
        Assert.False(ClusterCa.Verifies(ca.Certificate, other.Certificate));
    }

    [Fact]
    public void TheCa_SurvivesItsPem_AndStillSigns()
    {
        using ClusterCa ca = ClusterCa.Create("course", Now);
        using ClusterCa loaded = ClusterCa.Load(ca.CertificatePem, ca.KeyPem);
        (string pem, string key) = loaded.Issue("host-c", [], Now);
        using var cert = X509Certificate2.CreateFromPem(pem, key);
        Assert.True(ClusterCa.Verifies(ca.Certificate, cert));
    }

    [Fact]
    public void AClusterToken_CarriesItsClusterAndSecondSecret_AndAHostTokenCarriesNeither()
    {
        var token = new PeerToken { Secret = PeerToken.NewSecret(), Name = "host-a", Fingerprint = new string('a', 64), Cluster = "course", ClusterSecret = "s2" };
        PeerToken back = PeerToken.Decode(token.Encode()).Value;
        Assert.Equal(("course", "s2"), (back.Cluster, back.ClusterSecret));

        PeerToken host = PeerToken.Decode((token with { Cluster = null, ClusterSecret = null }).Encode()).Value;
        Assert.Null(host.Cluster);
    }
}
