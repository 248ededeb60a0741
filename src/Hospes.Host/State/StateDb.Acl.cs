using Hospes.Core.Errors;
using Hospes.Host.Access;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>ACL entries, custom roles and projects with their limits.</summary>
internal sealed partial class StateDb
{
    /// <summary>Adds the entry, or changes its propagate flag if the same grant is there.</summary>
    public void SetAcl(AclEntry entry) => Run("""
        INSERT INTO acl (path, subject_kind, subject, role, propagate) VALUES ($p, $k, $s, $r, $prop)
        ON CONFLICT (path, subject_kind, subject, role) DO UPDATE SET propagate = $prop
        """, AclKey(entry).Append(("$prop", entry.Propagate)).ToArray());

    public bool RemoveAcl(AclEntry entry) =>
        Run("DELETE FROM acl WHERE path = $p AND subject_kind = $k AND subject = $s AND role = $r", AclKey(entry)) > 0;

    /// <summary>Every entry; paths were checked when set, so they are read as they are.</summary>
    public IReadOnlyList<AclEntry> LoadAcl() => Query(
        "SELECT path, subject_kind, subject, role, propagate FROM acl ORDER BY path, subject_kind, subject, role",
        r => new AclEntry(AclPath.Parse(r.GetString(0)).Value, new AclSubject(Enum.Parse<SubjectKind>(r.GetString(1)), r.GetString(2)), r.GetString(3), r.GetBoolean(4)));

    /// <summary>False if a custom role of that name (in any case) exists.</summary>
    public bool TryInsertRole(Role role) => TryRun(
        "INSERT INTO roles (name, privileges) VALUES ($n, $p)",
        ("$n", role.Name), ("$p", string.Join(',', role.Privileges.Members().Select(PrivilegeNames.Name))));

    public IReadOnlyList<Role> LoadRoles() => Query("SELECT name, privileges FROM roles ORDER BY name", r => new Role(
        r.GetString(0),
        PrivilegeSet.Of(r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(n => PrivilegeNames.TryParse(n, out Privilege p) ? p : (Privilege?)null).OfType<Privilege>())));

    /// <summary>Refused while an ACL entry grants it, so no grant silently turns into nothing.</summary>
    public HospesError? DeleteRole(string name)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand used = Command(c, tx, "SELECT path FROM acl WHERE role = $n COLLATE NOCASE LIMIT 1", [("$n", name)]);
        if (used.ExecuteScalar() is string path)
        {
            return HospesError.Conflict($"role '{name}' is granted on {path}; remove its ACL entries first (hospes acl list shows them)");
        }

        using SqliteCommand delete = Command(c, tx, "DELETE FROM roles WHERE name = $n", [("$n", name)]);
        if (delete.ExecuteNonQuery() == 0)
        {
            return HospesError.NotFound($"role '{name}' does not exist; hospes role list shows the custom roles");
        }

        tx.Commit();
        return null;
    }

    /// <summary>False if the name is taken.</summary>
    public bool TryInsertProject(ProjectRecord project) => TryRun(
        "INSERT INTO projects (name, limit_vms, limit_memory_mib, limit_vcpus, created_at) VALUES ($n, $v, $m, $c, $t)",
        ("$n", project.Name), ("$v", project.Limits.Vms), ("$m", project.Limits.MemoryMiB), ("$c", project.Limits.Vcpus), ("$t", Time(project.CreatedAt)));

    public bool SetProjectLimits(string name, ProjectLimits limits) => Run(
        "UPDATE projects SET limit_vms = $v, limit_memory_mib = $m, limit_vcpus = $c WHERE name = $n",
        ("$n", name), ("$v", limits.Vms), ("$m", limits.MemoryMiB), ("$c", limits.Vcpus)) > 0;

    public IReadOnlyList<ProjectRecord> LoadProjects() => Query(
        "SELECT name, limit_vms, limit_memory_mib, limit_vcpus, created_at FROM projects ORDER BY name",
        r => new ProjectRecord(
            r.GetString(0),
            new ProjectLimits(r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt32(3)),
            ReadTime(r, 4)));

    /// <summary>The project row and the ACL entries on it and below; whether it still owns VMs, disks or networks is the caller's check.</summary>
    public bool DeleteProject(string name)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand cmd = Command(c, tx, """
            DELETE FROM acl WHERE path = '/projects/' || $n OR substr(path, 1, length($n) + 11) = '/projects/' || $n || '/';
            DELETE FROM projects WHERE name = $n;
            SELECT changes();
            """, [("$n", name)]);
        bool deleted = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        tx.Commit();
        return deleted;
    }

    private static (string, object?)[] AclKey(AclEntry e) =>
        [("$p", e.Path.Value), ("$k", e.Subject.Kind.ToString()), ("$s", e.Subject.Name), ("$r", e.Role)];
}
