using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Files;

namespace Hospes.Host.Peers;

/// <summary>
/// This host's own TLS identity: a self-signed ECDSA P-256 certificate made at first start in `&lt;state&gt;/tls/`.
/// Other hosts trust it by its fingerprint, so nothing in it but the key matters.
/// </summary>
internal sealed class HostCertificate : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3653);

    private HostCertificate(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Fingerprint = FingerprintOf(certificate);
    }

    /// <summary>With its private key, loaded so SslStream can use it as a server or client certificate.</summary>
    public X509Certificate2 Certificate { get; }

    public string Fingerprint { get; }

    /// <summary>SHA-256 of the DER certificate, lowercase hex.</summary>
    public static string FingerprintOf(X509Certificate certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));

    /// <summary>Loads `server.crt` and `server.key` from <paramref name="dir"/>, making them first if either is missing.</summary>
    public static HostCertificate LoadOrCreate(string dir, string hostName, DateTimeOffset now)
    {
        string crt = Path.Combine(dir, "server.crt");
        string key = Path.Combine(dir, "server.key");
        if (!File.Exists(crt) || !File.Exists(key))
        {
            Create(dir, crt, key, hostName, now);
        }

        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(crt, key);

        // A PEM-loaded key is ephemeral; on Linux SslStream wants the certificate re-imported with its key.
        return new HostCertificate(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
    }

    public void Dispose() => Certificate.Dispose();

    private static void Create(string dir, string crt, string key, string hostName, DateTimeOffset now)
    {
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={hostName}"), ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 cert = request.CreateSelfSigned(now.AddDays(-1), now.Add(Validity));

        // Key first, both through a temporary name: a kill in between leaves no certificate without its key.
        Write(key, ecdsa.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Write(crt, cert.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static void Write(string path, string pem, UnixFileMode mode)
    {
        string partial = path + ".partial";
        File.Delete(partial);
        using (var file = new FileStream(partial, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(pem);
            writer.Write('\n');
            writer.Flush();
            file.Flush(flushToDisk: true);
        }

        // Content and name both on disk: a power loss must not leave an empty key under the final name.
        DurableFiles.MoveFile(partial, path, overwrite: true);
    }
}
