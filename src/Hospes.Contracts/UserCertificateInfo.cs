namespace Hospes.Contracts;

/// <summary>`hospes cert list`: a TLS client certificate that logs in as a user over HTTPS.</summary>
public sealed record UserCertificateInfo
{
    public required string User { get; init; }

    /// <summary>SHA-256 of the certificate (DER), lowercase hex: what a connection is recognised by.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>A label: the --name given, else the certificate's subject name.</summary>
    public required string Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
