using Hospes.Host.Access;

namespace Hospes.Host.State;

/// <summary>The audit log: appended to, read back newest first.</summary>
internal sealed partial class StateDb
{
    public void AppendAudit(AuditEntry entry) => Run(
        "INSERT INTO audit (time, user_name, source, action, object, result) VALUES ($t, $u, $s, $a, $o, $r)",
        ("$t", Time(entry.Time)), ("$u", entry.User), ("$s", entry.Source), ("$a", entry.Action), ("$o", entry.Object), ("$r", entry.Result));

    /// <summary>
    /// Newest first, at most <paramref name="limit"/>, of one user (and that user's tokens, "alice!ci", unless a token is
    /// named) and since a time when given.
    /// </summary>
    public IReadOnlyList<AuditEntry> LoadAudit(string? user = null, DateTimeOffset? since = null, int limit = 1000) => Query(
        """
        SELECT time, user_name, source, action, object, result FROM audit
        WHERE ($u IS NULL OR user_name = $u OR (instr($u, '!') = 0 AND substr(user_name, 1, length($u) + 1) = $u || '!')) AND ($since IS NULL OR time >= $since)
        ORDER BY id DESC LIMIT $limit
        """,
        r => new AuditEntry(ReadTime(r, 0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5)),
        ("$u", user), ("$since", TimeOrNull(since)), ("$limit", limit));
}
