using Hospes.Core.Files;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hospes.Host.Migration;

/// <summary>
/// One side's TLS identity for one migration's QEMU channels (the RAM stream and the NBD disk export). QEMU's x509
/// credentials want a CA and an end certificate it signed; a host's own certificate is a self-signed end certificate
/// that QEMU refuses as either, and its key must never be handed to a QEMU (a guest that took its QEMU over would hold
/// the host's peer identity). So each side makes a CA for this migration only, signs one certificate for its QEMU and
/// drops the CA's key at once; the other side learns the CA over the peer API, where the hosts' pinned certificates
/// vouch for it. A third party can neither present a certificate these CAs signed nor pass the name checks.
/// </summary>
internal sealed class MigrationTls
{
    private const string NamePrefix = "hospes-migration-";
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private MigrationTls(string name, string caCertificate, string certificate, string key)
    {
        Name = name;
        CaCertificate = caCertificate;
        Certificate = certificate;
        Key = key;
    }

    /// <summary>The QEMU certificate's CN and DNS name: what the other side checks (tls-hostname, tls-authz).</summary>
    public string Name { get; }

    /// <summary>This migration's CA on this side (PEM); its key is gone.</summary>
    public string CaCertificate { get; }

    /// <summary>The certificate this side's QEMU presents (PEM), signed by <see cref="CaCertificate"/>.</summary>
    public string Certificate { get; }

    /// <summary>Its key (PEM): written only into the folder QEMU reads, removed with the migration.</summary>
    public string Key { get; }

    /// <summary>What the other side is told: the name and the CA.</summary>
    public MigrationTlsPeer Public => new(Name, CaCertificate);

    /// <summary>The distinguished name QEMU's authz sees for a client certificate of this name.</summary>
    public static string DistinguishedName(string name) => $"CN={name}";

    /// <summary>Whether <paramref name="name"/> is one this class makes (so it needs no escaping anywhere).</summary>
    public static bool IsName(string? name) =>
        name is { Length: 49 } && name.StartsWith(NamePrefix, StringComparison.Ordinal) && !name.AsSpan(NamePrefix.Length).ContainsAnyExcept(LowerHex);

    public static MigrationTls Create(DateTimeOffset now)
    {
        string name = NamePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        // A day back for clocks that disagree; a week ahead outlasts the longest migration (--timeout is at most a day).
        DateTimeOffset from = now.AddDays(-1), to = now.AddDays(7);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(new X500DistinguishedName($"CN={name}-ca"), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(from, to);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(DistinguishedName(name)), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));

        // QEMU wants key encipherment too when the usage is critical, whatever the key type.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using X509Certificate2 certificate = request.Create(ca, from, to, RandomNumberGenerator.GetBytes(16));
        return new MigrationTls(name, ca.ExportCertificatePem(), certificate.ExportCertificatePem(), key.ExportECPrivateKeyPem());
    }

    /// <summary>
    /// QEMU's credentials folder for this side (<c>tls-creds-x509 dir=</c>): the CAs of both sides (its own certificate
    /// must check against the list too), and its certificate and key as server or client. QEMU reads them when the
    /// object is added, as the user it runs as: with <paramref name="qemuGid"/> (a QEMU of its own uid and gid) the folder
    /// is root's with that group (0750, files 0640: QEMU reads, cannot add or change anything), else 0700 and 0600.
    /// Its parent is root's and 0711, and every folder above must let others through.
    /// </summary>
    public void WriteCredentials(string dir, MigrationTlsPeer peer, bool server, int? qemuGid)
    {
        const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode Through = UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        Delete(dir);
        string parent = Path.GetDirectoryName(Path.GetFullPath(dir))!;
        Directory.CreateDirectory(parent, Owner | UnixFileMode.UserExecute | Through);
        if (qemuGid is { } gid && Closed(parent) is { } closed)
        {
            throw new IOException(
                $"QEMU (uid {gid}) cannot reach its migration's TLS credentials in {dir}: {closed} does not let others through; chmod o+x {closed}, or give hospesd another --run-dir");
        }

        UnixFileMode shared = qemuGid is null ? 0 : UnixFileMode.GroupRead;
        UnixFileMode folder = Owner | UnixFileMode.UserExecute | (qemuGid is null ? 0 : UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Directory.CreateDirectory(dir, folder);
        File.SetUnixFileMode(dir, folder);
        if (qemuGid is { } g)
        {
            FileOwner.Set(dir, 0, g);
        }

        string role = server ? "server" : "client";
        Write(Path.Combine(dir, "ca-cert.pem"), CaCertificate + "\n" + peer.CaCertificate + "\n", Owner | shared, qemuGid);
        Write(Path.Combine(dir, $"{role}-cert.pem"), Certificate + "\n", Owner | shared, qemuGid);
        Write(Path.Combine(dir, $"{role}-key.pem"), Key + "\n", Owner | shared, qemuGid);
    }

    /// <summary>The first folder from / down to <paramref name="dir"/> that others may not pass through (null: none).</summary>
    private static string? Closed(string dir)
    {
        for (string? d = dir; d is not null; d = Path.GetDirectoryName(d))
        {
            if (!File.GetUnixFileMode(d).HasFlag(UnixFileMode.OtherExecute))
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>Removes a credentials folder (the key goes with it); a missing one is fine.</summary>
    public static void Delete(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Write(string path, string text, UnixFileMode mode, int? gid)
    {
        using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
        File.SetUnixFileMode(file.SafeFileHandle, mode);
        if (gid is { } g)
        {
            FileOwner.Set(file.SafeFileHandle, 0, g);
        }

        using var writer = new StreamWriter(file);
        writer.Write(text);
    }
}
