using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>
/// All access tables at once (a cluster's copy, issue 17): read as they are, or replaced in one transaction. The audit
/// log is not among them.
/// </summary>
internal sealed partial class StateDb
{
    private const string UsedProjects = """
        SELECT project FROM vms UNION SELECT project FROM templates UNION SELECT project FROM volumes UNION SELECT project FROM networks
        """;

    /// <summary>Every row of the access tables, each table in its key's order (so two equal tables give equal JSON).</summary>
    public AccessTables LoadAccessTables()
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        return new AccessTables
        {
            Users = Rows(c, tx, "SELECT name, password_hash, expires_at, enabled, created_at FROM users ORDER BY name", r =>
                new UserRow(r.GetString(0), Text(r, 1), Text(r, 2), r.GetBoolean(3), r.GetString(4))),
            Groups = Rows(c, tx, "SELECT name, created_at FROM groups ORDER BY name", r => new GroupRow(r.GetString(0), r.GetString(1))),
            Members = Rows(c, tx, "SELECT group_name, user_name FROM group_members ORDER BY group_name, user_name", r => new MemberRow(r.GetString(0), r.GetString(1))),
            Tokens = Rows(c, tx, "SELECT id, user_name, name, secret_sha256, expires_at, privilege_separated, created_at FROM tokens ORDER BY id", r =>
                new TokenRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Text(r, 4), r.GetBoolean(5), r.GetString(6))),
            Acl = Rows(c, tx, "SELECT path, subject_kind, subject, role, propagate FROM acl ORDER BY path, subject_kind, subject, role", r =>
                new AclRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4))),
            Roles = Rows(c, tx, "SELECT name, privileges FROM roles ORDER BY name", r => new RoleRow(r.GetString(0), r.GetString(1))),
            Projects = Rows(c, tx, "SELECT name, limit_vms, limit_memory_mib, limit_vcpus, created_at FROM projects ORDER BY name", r =>
                new ProjectRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetString(4))),
            Certificates = Rows(c, tx, "SELECT fingerprint, user_name, name, created_at FROM user_certificates ORDER BY fingerprint", r =>
                new CertificateRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3))),
        };
    }

    /// <summary>
    /// Replaces every access table by <paramref name="tables"/> in one transaction (a reader sees the old or the new,
    /// never a mix). A project this host's VMs, templates, disks or networks are in stays even when
    /// <paramref name="tables"/> lacks it, so nothing here is left in no project; those kept are answered.
    /// </summary>
    public IReadOnlyList<string> ReplaceAccessTables(AccessTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        Put(c, tx, "DELETE FROM users; DELETE FROM groups; DELETE FROM group_members; DELETE FROM tokens; DELETE FROM acl; DELETE FROM roles; DELETE FROM user_certificates;");
        var kept = Rows(c, tx, UsedProjects, r => r.GetString(0)).Append(DefaultProject).Distinct(StringComparer.Ordinal).Where(p => !tables.Projects.Any(t => t.Name == p)).ToList();
        var keptRows = Rows(c, tx, "SELECT name, limit_vms, limit_memory_mib, limit_vcpus, created_at FROM projects", r =>
            new ProjectRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetString(4)))
            .Where(p => kept.Contains(p.Name)).ToList();
        Put(c, tx, "DELETE FROM projects");
        foreach (UserRow u in tables.Users)
        {
            Put(c, tx, "INSERT INTO users (name, password_hash, expires_at, enabled, created_at) VALUES ($n, $h, $e, $on, $c)",
                ("$n", u.Name), ("$h", u.PasswordHash), ("$e", u.ExpiresAt), ("$on", u.Enabled), ("$c", u.CreatedAt));
        }

        foreach (GroupRow g in tables.Groups)
        {
            Put(c, tx, "INSERT INTO groups (name, created_at) VALUES ($n, $c)", ("$n", g.Name), ("$c", g.CreatedAt));
        }

        foreach (MemberRow m in tables.Members)
        {
            Put(c, tx, "INSERT INTO group_members (group_name, user_name) VALUES ($g, $u)", ("$g", m.Group), ("$u", m.User));
        }

        foreach (TokenRow t in tables.Tokens)
        {
            Put(c, tx, "INSERT INTO tokens (id, user_name, name, secret_sha256, expires_at, privilege_separated, created_at) VALUES ($id, $u, $n, $h, $e, $sep, $c)",
                ("$id", t.Id), ("$u", t.User), ("$n", t.Name), ("$h", t.SecretSha256), ("$e", t.ExpiresAt), ("$sep", t.PrivilegeSeparated), ("$c", t.CreatedAt));
        }

        foreach (AclRow a in tables.Acl)
        {
            Put(c, tx, "INSERT INTO acl (path, subject_kind, subject, role, propagate) VALUES ($p, $k, $s, $r, $prop)",
                ("$p", a.Path), ("$k", a.SubjectKind), ("$s", a.Subject), ("$r", a.Role), ("$prop", a.Propagate));
        }

        foreach (RoleRow r in tables.Roles)
        {
            Put(c, tx, "INSERT INTO roles (name, privileges) VALUES ($n, $p)", ("$n", r.Name), ("$p", r.Privileges));
        }

        foreach (ProjectRow p in tables.Projects.Concat(keptRows).Concat(kept.Where(k => !keptRows.Any(r => r.Name == k)).Select(k => new ProjectRow(k, null, null, null, Time(DateTimeOffset.UtcNow)))))
        {
            Put(c, tx, "INSERT INTO projects (name, limit_vms, limit_memory_mib, limit_vcpus, created_at) VALUES ($n, $v, $m, $cpu, $t) ON CONFLICT(name) DO NOTHING",
                ("$n", p.Name), ("$v", p.LimitVms), ("$m", p.LimitMemoryMib), ("$cpu", p.LimitVcpus), ("$t", p.CreatedAt));
        }

        foreach (CertificateRow f in tables.Certificates)
        {
            Put(c, tx, "INSERT INTO user_certificates (fingerprint, user_name, name, created_at) VALUES ($f, $u, $n, $c)",
                ("$f", f.Fingerprint), ("$u", f.User), ("$n", f.Name), ("$c", f.CreatedAt));
        }

        tx.Commit();
        return kept;
    }

    private static void Put(SqliteConnection c, SqliteTransaction tx, string sql, params (string Name, object? Value)[] args)
    {
        using SqliteCommand cmd = Command(c, tx, sql, args);
        cmd.ExecuteNonQuery();
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
