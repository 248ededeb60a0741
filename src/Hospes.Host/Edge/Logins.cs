using System.Security.Cryptography.X509Certificates;
using Hospes.Core.Errors;
using Hospes.Host.Access;
using Hospes.Host.Peers;
using Hospes.Host.State;

namespace Hospes.Host.Edge;

/// <summary>
/// Who an HTTPS request is, from what it presents: an API token, a user's password, or a TLS client certificate mapped
/// to a user. Each answers a <see cref="Caller"/> or a 401 whose message says what is wrong (Credentials' messages: a
/// guess learns nothing). Tokens, users and mappings are read per request, so a revocation takes effect at once.
/// </summary>
public sealed class Logins
{
    private readonly StateDb _db;
    private readonly TimeProvider _time;

    // Checked when the user is unknown, so an unknown name costs the same PBKDF2 as a known one (no timing oracle).
    private readonly Lazy<string> _decoy = new(() => PasswordHash.Create(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));

    internal Logins(StateDb db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>`Authorization: Bearer hospes_...`.</summary>
    public Result<Caller> Token(string presented, string source) =>
        ResultMap.Map(Credentials.Token(presented, _db.FindToken, _db.FindUser, _time.GetUtcNow()), p => new Caller(p, source));

    /// <summary>`Authorization: Basic` user:password. PBKDF2 of 600,000 rounds: call it off the request's thread.</summary>
    public Result<Caller> Password(string user, string password, string source)
    {
        UserRecord? row = AccessNames.User(user) is null ? _db.FindUser(user) : null;
        if (row?.PasswordHash is null)
        {
            PasswordHash.Verify(password, _decoy.Value);
        }

        return ResultMap.Map(Credentials.Password(row, password, _time.GetUtcNow()), p => new Caller(p, source));
    }

    /// <summary>The user of a web session (the session cookie): read again at each request.</summary>
    public Result<Caller> Session(string user, string source) =>
        ResultMap.Map(Credentials.Session(user, _db.FindUser(user), _time.GetUtcNow()), p => new Caller(p, source));

    /// <summary>
    /// A fingerprint of the user's password as stored now (SHA-256 of its PBKDF2 hash, which a new password changes, salt
    /// and all); null for an unknown user or one without a password. A web session keeps the one of its login and ends
    /// when they differ: a password change logs every browser out.
    /// </summary>
    public string? PasswordStamp(string user) =>
        _db.FindUser(user)?.PasswordHash is { } hash ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(hash))) : null;

    /// <summary>A TLS client certificate (the handshake proved its key) mapped to a user with `hospes cert add`.</summary>
    public Result<Caller> Certificate(X509Certificate2 certificate, string source)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string fingerprint = HostCertificate.FingerprintOf(certificate);
        return ResultMap.Map(
            Credentials.Certificate(fingerprint, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), _db.FindUserCertificate(fingerprint), _db.FindUser, _time.GetUtcNow()),
            p => new Caller(p, source));
    }
}
