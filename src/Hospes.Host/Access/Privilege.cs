namespace Hospes.Host.Access;

/// <summary>
/// What a role may do, each checked on an object path (<see cref="AclPath"/>). The list is derived from the API:
/// every route needs one or more of these (<see cref="RouteRules"/>); names as people write them are in <see cref="PrivilegeNames"/>.
/// </summary>
internal enum Privilege
{
    /// <summary>VM.Audit: see a VM, its config, state, vifs, forwards, memory and snapshots.</summary>
    VmAudit,

    /// <summary>VM.Console: the serial console and its log, and the TCP relay `hospes ssh` rides on.</summary>
    VmConsole,

    /// <summary>VM.PowerMgmt: start, pause, unpause, shutdown, reboot, destroy, save.</summary>
    VmPowerMgmt,

    /// <summary>VM.Snapshot: take and delete snapshots.</summary>
    VmSnapshot,

    /// <summary>VM.Snapshot.Rollback: revert to a snapshot.</summary>
    VmSnapshotRollback,

    /// <summary>VM.Config: mem-set, mem-max, port forwards of the VM.</summary>
    VmConfig,

    /// <summary>VM.Allocate: create, delete, clone into, restore into.</summary>
    VmAllocate,

    /// <summary>VM.Migrate: live-migrate to another host, cancel a migration.</summary>
    VmMigrate,

    /// <summary>Datastore.Audit: see disks, images, templates.</summary>
    DatastoreAudit,

    /// <summary>Datastore.Use: make VMs from a template or an image, attach a disk (checked by the spec gate and clone).</summary>
    DatastoreUse,

    /// <summary>Datastore.Allocate: create, resize, delete disks, templates, images.</summary>
    DatastoreAllocate,

    /// <summary>Network.Audit: see networks.</summary>
    NetworkAudit,

    /// <summary>Network.Use: put a VM's vif on a network (checked by the spec gate).</summary>
    NetworkUse,

    /// <summary>Network.Allocate: create and delete networks; host ports of port forwards.</summary>
    NetworkAllocate,

    /// <summary>Project.Allocate: create and delete projects, set their limits.</summary>
    ProjectAllocate,

    /// <summary>Permissions.Modify: set and remove ACL entries (only with roles the granter holds, <see cref="Delegation"/>).</summary>
    PermissionsModify,

    /// <summary>User.Modify: create, change and delete users, groups and other users' tokens.</summary>
    UserModify,

    /// <summary>Sys.Audit: the host's facts, memory, peers, the store check, the audit log.</summary>
    SysAudit,

    /// <summary>Sys.Modify: the host itself: peers, join tokens, anything naming a host path (save, restore, image import).</summary>
    SysModify,
}
