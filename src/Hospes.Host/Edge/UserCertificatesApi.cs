using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>
/// `hospes cert`: which TLS client certificates log in as which user. A certificate is known by its SHA-256
/// fingerprint only; a host's certificate (this one's or a trusted peer's) is never a user's.
/// </summary>
public sealed class UserCertificatesApi
{
    private const int MaxNameLength = 64;
    private readonly StateDb _db;
    private readonly PeerService _peers;
    private readonly TimeProvider _time;

    internal UserCertificatesApi(StateDb db, PeerService peers, TimeProvider time)
    {
        _db = db;
        _peers = peers;
        _time = time;
    }

    /// <summary>Of one user (it must exist), or of every user when null.</summary>
    public Result<UserCertificateInfo[]> List(string? user)
    {
        if (user is not null && NoUser(user) is { } missing)
        {
            return missing;
        }

        return _db.LoadUserCertificates(user).Select(Info).ToArray();
    }

    public Result<UserCertificateInfo> Add(string user, UserCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (NoUser(user) is { } missing)
        {
            return missing;
        }

        Result<X509Certificate2> parsed = Parse(request.Certificate);
        if (!parsed.IsOk)
        {
            return parsed.Error;
        }

        using X509Certificate2 certificate = parsed.Value;
        string fingerprint = HostCertificate.FingerprintOf(certificate);
        DateTimeOffset now = _time.GetUtcNow();
        if (new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) <= now)
        {
            return HospesError.Invalid($"the certificate {fingerprint} expired at {certificate.NotAfter.ToUniversalTime():u}; make a new one and map that");
        }

        if (fingerprint == _peers.Identity.Fingerprint)
        {
            return HospesError.Invalid($"the certificate {fingerprint} is this host's own; a host's certificate cannot log in as a user, make one for {user}");
        }

        if (_peers.FindByFingerprint(fingerprint) is { } peer)
        {
            return HospesError.Invalid($"the certificate {fingerprint} is host {peer.Name}'s (a trusted peer); a host's certificate cannot log in as a user, make one for {user}");
        }

        string name = (request.Name ?? certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)).Trim();
        if (name.Length == 0)
        {
            name = fingerprint[..16];
        }

        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return HospesError.Invalid($"the certificate's name \"{name}\" is not a usable label: at most {MaxNameLength} printable characters; give one with --name");
        }

        var row = new UserCertificateRecord(fingerprint, user, name, now);
        if (!_db.TryInsertUserCertificate(row))
        {
            string owner = _db.FindUserCertificate(fingerprint)?.User ?? "another user";
            return HospesError.Conflict($"the certificate {fingerprint} already logs in as {owner}; remove it first with hospes cert remove {owner} {fingerprint}");
        }

        return Info(row);
    }

    /// <summary>Revokes; the fingerprint may be given with colons or in capitals, as tools print it.</summary>
    public Result<UserCertificateInfo> Remove(string user, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        string normal = fingerprint.Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        if (normal.Length != 64 || !normal.All(char.IsAsciiHexDigitLower))
        {
            return HospesError.Invalid($"\"{fingerprint}\" is not a certificate fingerprint: 64 hex digits (SHA-256), as hospes cert list {user} shows");
        }

        if (NoUser(user) is { } missing)
        {
            return missing;
        }

        UserCertificateRecord? row = _db.LoadUserCertificates(user).FirstOrDefault(c => c.Fingerprint == normal);
        if (row is null || !_db.DeleteUserCertificate(user, normal))
        {
            return HospesError.NotFound($"user {user} has no certificate {normal}; see hospes cert list {user}");
        }

        return Info(row);
    }

    private HospesError? NoUser(string user) =>
        AccessNames.User(user) ?? (_db.FindUser(user) is null ? HospesError.NotFound($"no user {user}; create it with hospes user create {user}") : null);

    private static Result<X509Certificate2> Parse(string pem)
    {
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return HospesError.Invalid("the file holds a private key; give only the certificate (-----BEGIN CERTIFICATE-----), the key stays with its holder");
        }

        if (!PemEncoding.TryFind(pem, out PemFields fields) || pem[fields.Label] is not "CERTIFICATE")
        {
            return HospesError.Invalid("no certificate found: give a PEM file that starts with -----BEGIN CERTIFICATE-----");
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data]));
        }
        catch (CryptographicException e)
        {
            return HospesError.Invalid($"the certificate cannot be read ({e.Message}); give a PEM X.509 certificate");
        }
    }

    private static UserCertificateInfo Info(UserCertificateRecord c) =>
        new() { User = c.User, Fingerprint = c.Fingerprint, Name = c.Name, CreatedAt = c.CreatedAt };
}
