using System.Globalization;
using Hospes.Host.Access;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>
/// Users, groups, tokens, ACL entries, custom roles, projects and the audit log (issue 14). New tables only, made if
/// missing, so no schema version changes: an older hospesd ignores them.
/// </summary>
internal sealed partial class StateDb
{
    private const string AccessSchema = """
        CREATE TABLE IF NOT EXISTS users (
            name TEXT PRIMARY KEY,
            password_hash TEXT,
            expires_at TEXT,
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS group_members (
            group_name TEXT NOT NULL,
            user_name TEXT NOT NULL,
            PRIMARY KEY (group_name, user_name)
        );
        CREATE TABLE IF NOT EXISTS tokens (
            id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL,
            name TEXT NOT NULL,
            secret_sha256 TEXT NOT NULL,
            expires_at TEXT,
            privilege_separated INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (user_name, name)
        );
        CREATE TABLE IF NOT EXISTS acl (
            path TEXT NOT NULL,
            subject_kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            role TEXT NOT NULL,
            propagate INTEGER NOT NULL,
            PRIMARY KEY (path, subject_kind, subject, role)
        );
        CREATE TABLE IF NOT EXISTS roles (name TEXT PRIMARY KEY COLLATE NOCASE, privileges TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS projects (
            name TEXT PRIMARY KEY,
            limit_vms INTEGER,
            limit_memory_mib INTEGER,
            limit_vcpus INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            user_name TEXT NOT NULL,
            source TEXT,
            action TEXT NOT NULL,
            object TEXT,
            result TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
        """;

    /// <summary>The ACL, custom roles and groups as one snapshot to evaluate requests with.</summary>
    public AccessPolicy LoadAccessPolicy() => new(LoadRoles(), LoadAcl(), LoadGroups());

    private int Run(string sql, params (string Name, object? Value)[] args)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = Command(c, null, sql, args);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Runs a write; false when it breaks a constraint (a name taken).</summary>
    private bool TryRun(string sql, params (string Name, object? Value)[] args)
    {
        try
        {
            Run(sql, args);
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return false;
        }
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] args)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = Command(c, null, sql, args);
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(row(r));
        }

        return list;
    }

    private static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, (string Name, object? Value)[] args)
    {
        SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach ((string name, object? value) in args)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static object TimeOrNull(DateTimeOffset? t) => t is { } v ? Time(v) : DBNull.Value;

    private static DateTimeOffset ReadTime(SqliteDataReader r, int i) => DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture);

    private static DateTimeOffset? ReadTimeOrNull(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : ReadTime(r, i);
}
