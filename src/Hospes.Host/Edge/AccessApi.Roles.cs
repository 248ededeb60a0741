using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>Roles: the built-in ones (fixed) and custom ones made from the privilege list; the policy is taken anew after a change.</summary>
public sealed partial class AccessApi
{
    public IReadOnlyList<RoleInfo> ListRoles() => [.. BuiltInRoles.All.Concat(_db.LoadRoles()).Select(ToInfo)];

    public Result<RoleInfo> GetRole(string name) =>
        (BuiltInRoles.Find(name) ?? _db.LoadRoles().FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))) is { } role
            ? ToInfo(role)
            : NoRole(name);

    public Result<RoleInfo> CreateRole(RoleCreateRequest request)
    {
        Result<Role> role = CustomRoles.Create(request.Name, request.Privileges ?? []);
        if (!role.IsOk)
        {
            return role.Error;
        }

        if (!_db.TryInsertRole(role.Value))
        {
            return HospesError.Conflict($"role {request.Name} exists already (in some case); choose another name, or delete it first (hospes role delete {request.Name})");
        }

        _gate.Reload();
        return ToInfo(role.Value);
    }

    /// <summary>Refused for a built-in role, and while an ACL entry grants the role.</summary>
    public Result<RoleInfo> DeleteRole(string name)
    {
        if (BuiltInRoles.Find(name) is { } builtIn)
        {
            return HospesError.Invalid($"role {builtIn.Name} is built in and cannot be deleted; hospes role list marks the built-in roles");
        }

        Result<RoleInfo> role = GetRole(name);
        if (!role.IsOk)
        {
            return role.Error;
        }

        if (_db.DeleteRole(role.Value.Name) is { } refused)
        {
            return refused;
        }

        _gate.Reload();
        return role;
    }

    private static RoleInfo ToInfo(Role r) => new() { Name = r.Name, Privileges = [.. r.Privileges.Members().Select(PrivilegeNames.Name)], BuiltIn = r.BuiltIn };

    private static HospesError NoRole(string name) =>
        HospesError.NotFound($"role {name} does not exist; hospes role list shows the roles, hospes role create {name} --privileges ... makes one");
}
