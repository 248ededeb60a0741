using Hospes.Host.Access;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>
/// TLS client certificates mapped to users (by SHA-256 fingerprint). A new table made if missing, like the other access
/// tables, so the schema version stays; deleting a user deletes its certificates (<see cref="DeleteUser"/>).
/// </summary>
internal sealed partial class StateDb
{
    private const string CertificateSchema = """
        CREATE TABLE IF NOT EXISTS user_certificates (
            fingerprint TEXT PRIMARY KEY,
            user_name TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS user_certificates_user ON user_certificates (user_name);
        """;

    /// <summary>False if the fingerprint is mapped already (to this or another user).</summary>
    public bool TryInsertUserCertificate(UserCertificateRecord certificate) => TryRun(
        "INSERT INTO user_certificates (fingerprint, user_name, name, created_at) VALUES ($f, $u, $n, $c)",
        ("$f", certificate.Fingerprint), ("$u", certificate.User), ("$n", certificate.Name), ("$c", Time(certificate.CreatedAt)));

    /// <summary>By fingerprint: the one lookup authentication makes.</summary>
    public UserCertificateRecord? FindUserCertificate(string fingerprint) =>
        Query($"{CertificateColumns} WHERE fingerprint = $f", ReadCertificate, ("$f", fingerprint)).SingleOrDefault();

    /// <summary>Of one user, or of all when null; by user, then name.</summary>
    public IReadOnlyList<UserCertificateRecord> LoadUserCertificates(string? user = null) =>
        Query($"{CertificateColumns} WHERE $u IS NULL OR user_name = $u ORDER BY user_name, name, fingerprint", ReadCertificate, ("$u", user));

    /// <summary>Revokes: the next TLS connection with it is refused. False if that user has no such certificate.</summary>
    public bool DeleteUserCertificate(string user, string fingerprint) =>
        Run("DELETE FROM user_certificates WHERE user_name = $u AND fingerprint = $f", ("$u", user), ("$f", fingerprint)) > 0;

    private const string CertificateColumns = "SELECT fingerprint, user_name, name, created_at FROM user_certificates";

    private static UserCertificateRecord ReadCertificate(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), ReadTime(r, 3));
}
