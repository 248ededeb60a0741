using System.Collections.Frozen;

namespace Hospes.Host.Access;

/// <summary>Privileges as people write them (VM.Audit, Sys.Modify, ...), Proxmox's spelling.</summary>
internal static class PrivilegeNames
{
    private static readonly FrozenDictionary<Privilege, string> Names = new Dictionary<Privilege, string>
    {
        [Privilege.VmAudit] = "VM.Audit",
        [Privilege.VmConsole] = "VM.Console",
        [Privilege.VmPowerMgmt] = "VM.PowerMgmt",
        [Privilege.VmSnapshot] = "VM.Snapshot",
        [Privilege.VmSnapshotRollback] = "VM.Snapshot.Rollback",
        [Privilege.VmConfig] = "VM.Config",
        [Privilege.VmAllocate] = "VM.Allocate",
        [Privilege.VmMigrate] = "VM.Migrate",
        [Privilege.DatastoreAudit] = "Datastore.Audit",
        [Privilege.DatastoreUse] = "Datastore.Use",
        [Privilege.DatastoreAllocate] = "Datastore.Allocate",
        [Privilege.NetworkAudit] = "Network.Audit",
        [Privilege.NetworkUse] = "Network.Use",
        [Privilege.NetworkAllocate] = "Network.Allocate",
        [Privilege.ProjectAllocate] = "Project.Allocate",
        [Privilege.PermissionsModify] = "Permissions.Modify",
        [Privilege.UserModify] = "User.Modify",
        [Privilege.SysAudit] = "Sys.Audit",
        [Privilege.SysModify] = "Sys.Modify",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Privilege> ByName =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every privilege, in the enum's order.</summary>
    public static IReadOnlyList<Privilege> All { get; } = Enum.GetValues<Privilege>();

    public static string Name(Privilege privilege) => Names[privilege];

    /// <summary>Case-insensitive: "vm.audit" is VM.Audit.</summary>
    public static bool TryParse(string name, out Privilege privilege) => ByName.TryGetValue(name, out privilege);

    /// <summary>"VM.Audit, VM.Console, ..." for messages.</summary>
    public static string Join(IEnumerable<Privilege> privileges) => string.Join(", ", privileges.Select(Name));
}
