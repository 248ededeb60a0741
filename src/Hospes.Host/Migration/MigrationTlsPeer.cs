using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;

namespace Hospes.Host.Migration;

/// <summary>What one side of a migration tells the other of its TLS identity: its QEMU certificate's name and the CA that signed it (PEM).</summary>
internal sealed record MigrationTlsPeer(string Name, string CaCertificate)
{
    private const int MaxPemLength = 8192;

    /// <summary>
    /// What another host sent, checked before it reaches a file QEMU reads: a name this version makes and one CA
    /// certificate, written back in its own PEM (nothing else the sender put around it goes through).
    /// </summary>
    public static Result<MigrationTlsPeer> Check(MigrationTlsPeer? sent, string from)
    {
        if (sent is null)
        {
            return HospesError.Invalid($"{from} sent no TLS certificate for the migration stream (the stream is always encrypted now); update Hospes on {from}");
        }

        if (!MigrationTls.IsName(sent.Name))
        {
            return HospesError.Invalid($"{from} sent a TLS name for the migration stream that is not one Hospes makes ('{Shorten(sent.Name)}'); update Hospes on both hosts");
        }

        try
        {
            if (sent.CaCertificate is not { Length: > 0 and <= MaxPemLength })
            {
                throw new CryptographicException("no certificate, or one too long");
            }

            using X509Certificate2 ca = X509Certificate2.CreateFromPem(sent.CaCertificate);
            if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                throw new CryptographicException("it is not a CA certificate");
            }

            return sent with { CaCertificate = ca.ExportCertificatePem() };
        }
        catch (CryptographicException e)
        {
            return HospesError.Invalid($"{from} sent an unusable TLS CA for the migration stream: {e.Message}; update Hospes on both hosts");
        }
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length > 60 ? text[..60] + "…" : text;
}
