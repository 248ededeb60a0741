namespace Hospes.Host.Access;

/// <summary>A named set of privileges. <see cref="BuiltInRoles"/> are fixed; custom ones are made by <see cref="CustomRoles"/>.</summary>
internal sealed record Role(string Name, PrivilegeSet Privileges, bool BuiltIn = false)
{
    /// <summary>True for NoAccess: on the path that decides, it cancels every other role.</summary>
    public bool IsNoAccess => BuiltIn && Name == BuiltInRoles.NoAccessName;
}
