using System.Collections.Frozen;
using static Hospes.Host.Access.Privilege;

namespace Hospes.Host.Access;

/// <summary>The roles every host has. Custom roles may not take their names.</summary>
internal static class BuiltInRoles
{
    public const string NoAccessName = "NoAccess";

    /// <summary>Everything, on every path below where it is granted.</summary>
    public static Role Admin { get; } = new("Admin", PrivilegeSet.All, BuiltIn: true);

    /// <summary>All of a project's VMs, disks, templates and networks, and granting those to others; no host, no migration, no limits.</summary>
    public static Role ProjectAdmin { get; } = new("ProjectAdmin", PrivilegeSet.Of(
        VmAudit, VmConsole, VmPowerMgmt, VmSnapshot, VmSnapshotRollback, VmConfig, VmAllocate,
        DatastoreAudit, DatastoreUse, DatastoreAllocate, NetworkAudit, NetworkUse, NetworkAllocate, PermissionsModify), BuiltIn: true);

    /// <summary>Runs VMs others made: see, console, power, snapshots.</summary>
    public static Role Operator { get; } = new("Operator", PrivilegeSet.Of(
        VmAudit, VmConsole, VmPowerMgmt, VmSnapshot, VmSnapshotRollback, DatastoreAudit, NetworkAudit), BuiltIn: true);

    /// <summary>A student's VM: see it, its console, power it, revert it to a snapshot the teacher took.</summary>
    public static Role LabStudent { get; } = new("LabStudent", PrivilegeSet.Of(VmAudit, VmConsole, VmPowerMgmt, VmSnapshotRollback), BuiltIn: true);

    /// <summary>Uses images, disks and networks in the VMs one may make (granted on /images for the host's shared images).</summary>
    public static Role DatastoreUser { get; } = new("DatastoreUser", PrivilegeSet.Of(DatastoreAudit, DatastoreUse, NetworkAudit, NetworkUse), BuiltIn: true);

    /// <summary>Sees everything, changes nothing.</summary>
    public static Role Auditor { get; } = new("Auditor", PrivilegeSet.Of(VmAudit, DatastoreAudit, NetworkAudit, SysAudit), BuiltIn: true);

    /// <summary>Nothing; on the path that decides it cancels every other role granted there.</summary>
    public static Role NoAccess { get; } = new(NoAccessName, PrivilegeSet.None, BuiltIn: true);

    public static IReadOnlyList<Role> All { get; } = [Admin, ProjectAdmin, Operator, LabStudent, DatastoreUser, Auditor, NoAccess];

    private static readonly FrozenDictionary<string, Role> ByName = All.ToFrozenDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Case-insensitive, so no custom role can differ from a built-in one by case only.</summary>
    public static Role? Find(string name) => ByName.GetValueOrDefault(name);
}
