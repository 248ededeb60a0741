using Hospes.Host.Access;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>Users, groups and their members, and API tokens (their secret's SHA-256 only).</summary>
internal sealed partial class StateDb
{
    /// <summary>False if the name is taken.</summary>
    public bool TryInsertUser(UserRecord user) => TryRun(
        "INSERT INTO users (name, password_hash, expires_at, enabled, created_at) VALUES ($n, $h, $e, $on, $c)",
        ("$n", user.Name), ("$h", user.PasswordHash), ("$e", TimeOrNull(user.Expires)), ("$on", user.Enabled), ("$c", Time(user.CreatedAt)));

    /// <summary>Password, expiry and enabled of an existing user; false if there is none of that name.</summary>
    public bool UpdateUser(UserRecord user) => Run(
        "UPDATE users SET password_hash = $h, expires_at = $e, enabled = $on WHERE name = $n",
        ("$n", user.Name), ("$h", user.PasswordHash), ("$e", TimeOrNull(user.Expires)), ("$on", user.Enabled)) > 0;

    public UserRecord? FindUser(string name) =>
        Query("SELECT name, password_hash, expires_at, enabled, created_at FROM users WHERE name = $n", ReadUser, ("$n", name)).SingleOrDefault();

    public IReadOnlyList<UserRecord> LoadUsers() =>
        Query("SELECT name, password_hash, expires_at, enabled, created_at FROM users ORDER BY name", ReadUser);

    /// <summary>The user and all that is theirs (memberships, tokens, client certificates, ACL entries for them and their tokens) in one transaction.</summary>
    public bool DeleteUser(string name)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand cmd = Command(c, tx, """
            DELETE FROM group_members WHERE user_name = $n;
            DELETE FROM tokens WHERE user_name = $n;
            DELETE FROM user_certificates WHERE user_name = $n;
            DELETE FROM acl WHERE (subject_kind = 'User' AND subject = $n) OR (subject_kind = 'Token' AND substr(subject, 1, length($n) + 1) = $n || '!');
            DELETE FROM users WHERE name = $n;
            SELECT changes();
            """, [("$n", name)]);
        bool deleted = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        tx.Commit();
        return deleted;
    }

    public bool TryInsertGroup(string name, DateTimeOffset created) =>
        TryRun("INSERT INTO groups (name, created_at) VALUES ($n, $c)", ("$n", name), ("$c", Time(created)));

    /// <summary>False if the user is in the group already.</summary>
    public bool AddGroupMember(string group, string user) =>
        TryRun("INSERT INTO group_members (group_name, user_name) VALUES ($g, $u)", ("$g", group), ("$u", user));

    public bool RemoveGroupMember(string group, string user) =>
        Run("DELETE FROM group_members WHERE group_name = $g AND user_name = $u", ("$g", group), ("$u", user)) > 0;

    /// <summary>Every group with its members (a group without any has an empty list).</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> LoadGroups()
    {
        var groups = Query("SELECT name FROM groups ORDER BY name", r => r.GetString(0)).ToDictionary(g => g, _ => new List<string>(), StringComparer.Ordinal);
        foreach ((string group, string user) in Query("SELECT group_name, user_name FROM group_members ORDER BY user_name", r => (r.GetString(0), r.GetString(1))))
        {
            if (groups.TryGetValue(group, out List<string>? members))
            {
                members.Add(user);
            }
        }

        return groups.ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Value, StringComparer.Ordinal);
    }

    /// <summary>The group, its memberships and its ACL entries in one transaction.</summary>
    public bool DeleteGroup(string name)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand cmd = Command(c, tx, """
            DELETE FROM group_members WHERE group_name = $n;
            DELETE FROM acl WHERE subject_kind = 'Group' AND subject = $n;
            DELETE FROM groups WHERE name = $n;
            SELECT changes();
            """, [("$n", name)]);
        bool deleted = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        tx.Commit();
        return deleted;
    }

    /// <summary>False if the user has a token of that name (or, unlikely, the id is taken).</summary>
    public bool TryInsertToken(TokenRecord token) => TryRun(
        "INSERT INTO tokens (id, user_name, name, secret_sha256, expires_at, privilege_separated, created_at) VALUES ($id, $u, $n, $h, $e, $sep, $c)",
        ("$id", token.Id), ("$u", token.User), ("$n", token.Name), ("$h", token.SecretSha256), ("$e", TimeOrNull(token.Expires)),
        ("$sep", token.PrivilegeSeparated), ("$c", Time(token.CreatedAt)));

    /// <summary>By the id in the presented string: the only lookup authentication makes.</summary>
    public TokenRecord? FindToken(string id) => Query($"{TokenColumns} WHERE id = $id", ReadToken, ("$id", id)).SingleOrDefault();

    public IReadOnlyList<TokenRecord> LoadTokens(string user) => Query($"{TokenColumns} WHERE user_name = $u ORDER BY name", ReadToken, ("$u", user));

    /// <summary>Revokes: the row and the token's ACL entries go; the next request with it is refused.</summary>
    public bool DeleteToken(string user, string name)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand cmd = Command(c, tx, """
            DELETE FROM acl WHERE subject_kind = 'Token' AND subject = $s;
            DELETE FROM tokens WHERE user_name = $u AND name = $n;
            SELECT changes();
            """, [("$u", user), ("$n", name), ("$s", $"{user}!{name}")]);
        bool deleted = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        tx.Commit();
        return deleted;
    }

    private const string TokenColumns = "SELECT id, user_name, name, secret_sha256, expires_at, privilege_separated, created_at FROM tokens";

    private static UserRecord ReadUser(SqliteDataReader r) =>
        new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), ReadTimeOrNull(r, 2), r.GetBoolean(3), ReadTime(r, 4));

    private static TokenRecord ReadToken(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ReadTimeOrNull(r, 4), r.GetBoolean(5), ReadTime(r, 6));
}
