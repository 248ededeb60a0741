using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hospes.Host.Cluster;

/// <summary>
/// The cluster's small CA: etcd's members verify each other and their clients (the hospesd of each host) against it,
/// as etcd wants (`--trusted-ca-file`, `--client-cert-auth`), where hosts among themselves pin fingerprints. Every member
/// host holds its key: each is a full etcd member already, so one more certificate it could make gives it nothing.
/// </summary>
internal sealed class ClusterCa : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3653);

    private ClusterCa(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        Key = key;
    }

    public X509Certificate2 Certificate { get; }

    public ECDsa Key { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    public string KeyPem => Key.ExportPkcs8PrivateKeyPem();

    public static ClusterCa Create(string clusterName, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=hospes cluster {clusterName} CA"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new ClusterCa(request.CreateSelfSigned(now.AddDays(-1), now.Add(Validity)), key);
    }

    public static ClusterCa Load(string certificatePem, string keyPem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        return new ClusterCa(X509Certificate2.CreateFromPem(certificatePem), key);
    }

    /// <summary>
    /// A certificate for a member host (etcd server, etcd peer and etcd client: hospesd), valid for its name and
    /// <paramref name="addresses"/>; its key PEM beside it.
    /// </summary>
    public (string CertificatePem, string KeyPem) Issue(string hostName, IReadOnlyList<IPAddress> addresses, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={hostName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        foreach (IPAddress address in addresses.Append(IPAddress.Loopback).Distinct())
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // Signed by the key itself: a CA loaded from PEM has its key apart from its certificate.
        using X509Certificate2 cert = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(Key), now.AddDays(-1), now.Add(Validity).AddDays(-2), serial);
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// The cluster's certificate revocation list (DER), signed by this CA: <paramref name="serials"/> (hex, as
    /// <see cref="X509Certificate.GetSerialNumberString"/> gives them) revoked at their times, CRL number
    /// <paramref name="number"/>; valid until the CA expires (etcd reads the serials only, and no client fetches it).
    /// </summary>
    public byte[] RevocationList(IEnumerable<(string Serial, DateTimeOffset At)> serials, long number, DateTimeOffset now)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach ((string serial, DateTimeOffset at) in serials)
        {
            builder.AddEntry(Convert.FromHexString(Minimal(serial)), at, X509RevocationReason.CessationOfOperation);
        }

        DateTimeOffset until = new[] { Certificate.NotAfter.ToUniversalTime(), now.UtcDateTime.AddDays(1) }.Max();
        return builder.Build(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(Key), number, until, HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false), now);
    }

    /// <summary>
    /// The serials (uppercase hex, minimal) a revocation list <paramref name="der"/> lists, when <paramref name="ca"/>
    /// signed it; null when it is no list or not the CA's. A member checks this before it hands etcd the file: etcd
    /// refuses every connection while its CRL file does not parse.
    /// </summary>
    public static IReadOnlySet<string>? RevokedSerials(X509Certificate2 ca, byte[] der)
    {
        try
        {
            CertificateRevocationListBuilder.Load(der, out _);
            return VerifiesList(ca, der) ? ListedSerials(der).ToHashSet(StringComparer.Ordinal) : null;
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            return null;
        }
    }

    /// <summary>A serial as DER has it: uppercase hex, no leading zero byte but where the sign needs one.</summary>
    public static string Minimal(string serialHex)
    {
        string hex = serialHex.ToUpperInvariant();
        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal) && hex[2] < '8')
        {
            hex = hex[2..];
        }

        return hex;
    }

    /// <summary>True when <paramref name="ca"/>'s key signed the list (ECDSA over its TBS part, as RFC 5280 has it).</summary>
    private static bool VerifiesList(X509Certificate2 ca, byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader list = reader.ReadSequence();
        ReadOnlyMemory<byte> tbs = list.ReadEncodedValue();
        list.ReadSequence(); // the signature algorithm
        byte[] signature = list.ReadBitString(out _);
        using ECDsa? key = ca.GetECDsaPublicKey();
        return key is not null && key.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>The serials of a list's entries, uppercase hex (its TBS: version, signature, issuer, this update, next update?, entries?).</summary>
    private static List<string> ListedSerials(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader tbs = reader.ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence(); // signature algorithm
        tbs.ReadSequence(); // issuer
        tbs.ReadEncodedValue(); // this update
        var serials = new List<string>();
        while (tbs.HasData)
        {
            Asn1Tag tag = tbs.PeekTag();
            if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
            {
                AsnReader entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    AsnReader entry = entries.ReadSequence();
                    serials.Add(Minimal(Convert.ToHexString(entry.ReadIntegerBytes().Span)));
                }
            }
            else
            {
                tbs.ReadEncodedValue(); // next update, extensions
            }
        }

        return serials;
    }

    /// <summary>True when <paramref name="ca"/> signed <paramref name="certificate"/> (chain to that root only; names are not checked).</summary>
    public static bool Verifies(X509Certificate2 ca, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(certificate) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
