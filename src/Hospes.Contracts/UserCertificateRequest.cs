namespace Hospes.Contracts;

/// <summary>`hospes cert add USER FILE.pem [--name N]`: let the holder of this certificate's key log in as USER.</summary>
public sealed record UserCertificateRequest
{
    /// <summary>The certificate, PEM ("-----BEGIN CERTIFICATE-----"); its private key stays with its holder.</summary>
    public required string Certificate { get; init; }

    /// <summary>A label; default: the certificate's subject name.</summary>
    public string? Name { get; init; }
}
