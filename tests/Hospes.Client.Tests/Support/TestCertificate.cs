using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hospes.Client.Tests.Support;

/// <summary>Self-signed ECDSA certificates as hosts make them: usable for TLS on either side, known by fingerprint.</summary>
internal static class TestCertificate
{
    public static X509Certificate2 Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // An ephemeral key does not serve SslStream on Linux: re-imported with its key, as hosts load theirs.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    public static string FingerprintOf(X509Certificate cert) => Convert.ToHexStringLower(SHA256.HashData(cert.GetRawCertData()));
}
