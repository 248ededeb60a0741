using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hospes.Client.Transport;

internal static class Fingerprint
{
    /// <summary>SHA-256 of the DER certificate, lowercase hex: what hosts pin each other by.</summary>
    public static string Of(X509Certificate certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
}
