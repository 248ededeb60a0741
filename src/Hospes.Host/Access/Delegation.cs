using Hospes.Core.Errors;

namespace Hospes.Host.Access;

/// <summary>
/// Who may set or remove an ACL entry: one holding Permissions.Modify on its path, and every privilege of the role
/// there (nobody grants more than they hold), whose subject holds nothing there the granter lacks (so a project admin
/// cannot lock a host admin out of the project).
/// </summary>
internal static class Delegation
{
    /// <summary>Null when <paramref name="granter"/> may set (or remove) <paramref name="entry"/>, else why not and what to do.</summary>
    public static HospesError? Check(AccessPolicy policy, Principal granter, AclEntry entry)
    {
        Role? role = policy.FindRole(entry.Role);
        if (role is null)
        {
            return HospesError.NotFound($"role '{entry.Role}' does not exist; hospes role list shows the roles, hospes role create makes one");
        }

        PrivilegeSet held = policy.PrivilegesOf(granter, entry.Path);
        string where = entry.Path.Value;
        if (!held.Contains(Privilege.PermissionsModify))
        {
            return HospesError.Forbidden(
                $"{granter.Display} may not change permissions on {where}: that needs Permissions.Modify there; ask someone who holds it (hospes acl list {where})");
        }

        PrivilegeSet beyond = role.Privileges.Except(held);
        if (!beyond.IsEmpty)
        {
            return HospesError.Forbidden(
                $"{granter.Display} may not grant role {role.Name} on {where}: it holds {beyond} that {granter.Display} does not hold there; grant a role within your own privileges or ask an admin");
        }

        PrivilegeSet subjectBeyond = policy.PrivilegesOf(entry.Subject, entry.Path).Except(held);
        return subjectBeyond.IsEmpty
            ? null
            : HospesError.Forbidden(
                $"{granter.Display} may not change the access of {entry.Subject} on {where}: it holds {subjectBeyond} there that {granter.Display} does not; ask an admin");
    }
}
