using System.Collections.Frozen;
using static Hospes.Host.Access.Privilege;

namespace Hospes.Host.Access;

/// <summary>
/// The one table of what every route of the API needs. Templates are Hospes.Contracts.Routes' values spelt out (the
/// access floor names no wire type); RouteRulesTests fails when a route has no rule, or a rule no route.
/// </summary>
internal static class RouteRules
{
    private const string Vm = "/projects/{project}/vms/{name}";
    private const string VmOfVm = "/projects/{project}/vms/{vm}";
    private const string ProjectVms = "/projects/{project}/vms";
    private const string Disk = "/projects/{project}/disks/{name}";
    private const string Template = "/projects/{project}/templates/{name}";
    private const string Network = "/projects/{project}/networks/{name}";
    private const string ProjectNetworks = "/projects/{project}/networks";
    private const string Image = "/images/{name}";
    private const string Host = "/";
    private const string Access = "/access";

    public static IReadOnlyList<RouteRule> All { get; } =
    [
        // VMs.
        List("GET", "/v1/vms", VmAudit, Vm),
        One("POST", "/v1/vms", VmAllocate, ProjectVms) with { Note = "the spec gate then checks Datastore.Use and Network.Use on what the config names" },
        One("GET", "/v1/vms/{name}", VmAudit, Vm),
        One("DELETE", "/v1/vms/{name}", VmAllocate, Vm),
        One("POST", "/v1/vms/{name}/start", VmPowerMgmt, Vm),
        One("POST", "/v1/vms/{name}/pause", VmPowerMgmt, Vm),
        One("POST", "/v1/vms/{name}/unpause", VmPowerMgmt, Vm),
        One("POST", "/v1/vms/{name}/destroy", VmPowerMgmt, Vm),
        One("POST", "/v1/vms/{name}/shutdown", VmPowerMgmt, Vm),
        One("POST", "/v1/vms/{name}/reboot", VmPowerMgmt, Vm),
        Both("POST", "/v1/vms/{name}/save", new(VmPowerMgmt, Vm), new(SysModify, Host)) with { Note = "the request names a host file" },
        Both("POST", "/v1/restore", new(VmAllocate, ProjectVms), new(SysModify, Host)) with { Note = "the request names a host file" },
        Both("POST", "/v1/vms/{name}/fork", new(VmPowerMgmt, Vm), new(VmAllocate, ProjectVms)) with { Note = "stops and continues the VM, and defines its forks in its project" },
        One("GET", "/v1/vms/{name}/console/log", VmConsole, Vm),
        One("GET", "/v1/vms/{name}/console", VmConsole, Vm),
        One("POST", "/v1/vms/{name}/console/ticket", VmConsole, Vm) with { Note = "a one-time ticket for a console WebSocket opened with the session cookie" },
        One("GET", "/v1/vms/{name}/vnc", VmConsole, Vm),
        One("POST", "/v1/vms/{name}/sysrq", VmConsole, Vm) with { Note = "keys on the guest's keyboard, as its console" },
        One("POST", "/v1/vms/{name}/trigger", VmPowerMgmt, Vm),
        Both("POST", "/v1/vms/{name}/rename", new(VmAllocate, Vm), new(VmAllocate, ProjectVms)) with { Note = "the VM's name is its ACL path: its grants follow it, and the new name is a new VM's name in its project" },
        One("GET", "/v1/vms/{name}/sched-credit", VmAudit, Vm),
        One("PUT", "/v1/vms/{name}/sched-credit", VmConfig, Vm) with { Note = "cpu_weight and cpu_cap, as in the VM's config" },
        Both("POST", "/v1/vms/{name}/dump-core", new(VmConsole, Vm), new(SysModify, Host)) with { Note = "the guest's memory, written to a host file the request names" },
        Both("PUT", "/v1/vms/{name}/cdroms/{vdev}", new(VmConfig, Vm), new(SysModify, Host)) with { Note = "the request names a host file" },
        One("DELETE", "/v1/vms/{name}/cdroms/{vdev}", VmConfig, Vm),
        One("GET", "/v1/vms/{name}/guest/ping", VmAudit, Vm),
        One("GET", "/v1/vms/{name}/guest", VmAudit, Vm),
        Both("POST", "/v1/vms/{name}/guest/exec", new(VmConsole, Vm), new(VmConfig, Vm)) with
        {
            Note = "runs any program as root in the guest, no login asked (Proxmox: VM.Monitor): the console and the config together",
        },
        One("POST", "/v1/vms/{name}/guest/time", VmConfig, Vm),

        // This host and config files.
        One("GET", "/v1/host", SysAudit, Host),
        new("POST", "/v1/config/check", RouteKind.AnyUser) { Note = "checks the text it is sent; reads nothing of the host's" },

        // Images: the host's, shared by projects.
        List("GET", "/v1/images", DatastoreAudit, Image),
        One("GET", "/v1/images/{name}", DatastoreAudit, Image),
        One("DELETE", "/v1/images/{name}", DatastoreAllocate, Image),
        One("POST", "/v1/images/{kind}/build", DatastoreAllocate, "/images"),
        Both("POST", "/v1/images/import", new(DatastoreAllocate, "/images"), new(SysModify, Host)) with { Note = "the request names a host file" },

        // The store.
        List("GET", "/v1/disks", DatastoreAudit, Disk),
        One("POST", "/v1/disks", DatastoreAllocate, "/projects/{project}/disks"),
        One("GET", "/v1/disk", DatastoreAudit, Disk) with { QueryParameters = ["name"] },
        One("DELETE", "/v1/disk", DatastoreAllocate, Disk) with { QueryParameters = ["name"] },
        One("POST", "/v1/disk/resize", DatastoreAllocate, Disk) with { QueryParameters = ["name"] },
        One("GET", "/v1/disks/check", SysAudit, Host) with { Note = "checks the whole store" },
        List("GET", "/v1/templates", DatastoreAudit, Template),
        One("POST", "/v1/templates", DatastoreAllocate, "/projects/{project}/templates"),
        One("GET", "/v1/templates/{name}", DatastoreAudit, Template),
        One("DELETE", "/v1/templates/{name}", DatastoreAllocate, Template),
        Both("POST", "/v1/templates/{name}/clone", new(VmAllocate, ProjectVms), new(DatastoreUse, Template)),
        One("GET", "/v1/vms/{vm}/snapshots", VmAudit, VmOfVm),
        One("POST", "/v1/vms/{vm}/snapshots", VmSnapshot, VmOfVm),
        One("DELETE", "/v1/vms/{vm}/snapshots/{snapshot}", VmSnapshot, VmOfVm),
        One("POST", "/v1/vms/{vm}/snapshots/{snapshot}/revert", VmSnapshotRollback, VmOfVm),

        // Networks, vifs, port forwards, the TCP relay.
        List("GET", "/v1/networks", NetworkAudit, Network),
        One("POST", "/v1/networks", NetworkAllocate, ProjectNetworks),
        One("GET", "/v1/networks/{name}", NetworkAudit, Network),
        One("DELETE", "/v1/networks/{name}", NetworkAllocate, Network),
        One("GET", "/v1/vms/{vm}/vifs", VmAudit, VmOfVm),
        One("POST", "/v1/vms/{vm}/vifs", VmConfig, VmOfVm) with { Note = "the spec gate then checks the network may be joined; host bridges are an admin's" },
        One("DELETE", "/v1/vms/{vm}/vifs/{vif}", VmConfig, VmOfVm),
        List("GET", "/v1/port-forwards", VmAudit, VmOfVm),
        One("GET", "/v1/vms/{vm}/port-forwards", VmAudit, VmOfVm),
        Both("POST", "/v1/vms/{vm}/port-forwards", new(VmConfig, VmOfVm), new(NetworkAllocate, ProjectNetworks)) with { Note = "takes a host port" },
        Both("DELETE", "/v1/vms/{vm}/port-forwards/{protocol}/{hostPort:int}", new(VmConfig, VmOfVm), new(NetworkAllocate, ProjectNetworks)),
        One("GET", "/v1/vms/{vm}/ssh", VmConsole, VmOfVm),
        One("GET", "/v1/vms/{vm}/tcp/{port:int}", VmConsole, VmOfVm),

        // Memory.
        One("GET", "/v1/host/memory", SysAudit, Host),
        One("GET", "/v1/host/memory/history", SysAudit, Host),
        List("GET", "/v1/top", VmAudit, Vm) with { Note = "the host's lines need Sys.Audit on /" },
        One("GET", "/v1/vms/{vm}/memory", VmAudit, VmOfVm),
        One("PUT", "/v1/vms/{vm}/memory/target", VmConfig, VmOfVm) with { Note = "and the project's memory quota" },
        One("PUT", "/v1/vms/{vm}/memory/max", VmConfig, VmOfVm),

        // vCPUs.
        One("GET", "/v1/vms/{vm}/vcpus", VmAudit, VmOfVm),
        One("PUT", "/v1/vms/{vm}/vcpus", VmConfig, VmOfVm) with { Note = "and the project's vCPU quota" },
        Both("PUT", "/v1/vms/{vm}/vcpus/affinity", new(VmConfig, VmOfVm), new(SysModify, Host)) with { Note = "pins to this host's CPUs, as cpus= only an admin may set" },

        // Disks of a VM.
        One("GET", "/v1/vms/{vm}/blocks", VmAudit, VmOfVm),
        One("POST", "/v1/vms/{vm}/blocks", VmConfig, VmOfVm) with { Note = "the spec gate then checks Datastore.Use on what the disk names; host paths are an admin's" },
        One("DELETE", "/v1/vms/{vm}/blocks/{vdev}", VmConfig, VmOfVm),

        // The event stream.
        List("GET", "/v1/events", VmAudit, Vm) with { Note = "each VM's events need VM.Audit on it; a clone run's summary Datastore.Audit on its template; the host's own events Sys.Audit on /" },

        // Live migration.
        One("POST", "/v1/vms/{vm}/migrate", VmMigrate, VmOfVm),
        One("DELETE", "/v1/vms/{vm}/migration", VmMigrate, VmOfVm),

        // Projects (issue 14). Seeing one takes VM.Audit on it (the privilege every role but NoAccess has: whoever may look
        // at a project's VMs may see the project, its limits and usage); making, changing limits and deleting take
        // Project.Allocate, which ProjectAdmin lacks, so a project's admins cannot raise their own limits.
        List("GET", "/v1/projects", VmAudit, "/projects/{project}") with { Note = "a project is seen with VM.Audit on /projects/NAME" },
        One("POST", "/v1/projects", ProjectAllocate, "/projects"),
        One("GET", "/v1/projects/{name}", VmAudit, "/projects/{name}") with { Note = "limits and usage: VM.Audit, as its VMs" },
        One("PUT", "/v1/projects/{name}", ProjectAllocate, "/projects/{name}") with { Note = "its limits; ProjectAdmin lacks Project.Allocate" },
        One("DELETE", "/v1/projects/{name}", ProjectAllocate, "/projects/{name}") with { Note = "refused while it holds anything; its ACL entries go with it" },

        // The hosts this one trusts.
        One("POST", "/v1/host/tokens", SysModify, Host),
        One("GET", "/v1/host/peers", SysAudit, Host),
        One("POST", "/v1/host/peers", SysModify, Host),
        One("DELETE", "/v1/host/peers/{name}", SysModify, Host),
        One("POST", "/v1/host/peers/{name}/check", SysAudit, Host),

        // TLS client certificates mapped to users.
        One("GET", "/v1/access/certificates", UserModify, "/access"),
        One("GET", "/v1/access/users/{name}/certificates", UserModify, "/access"),
        One("POST", "/v1/access/users/{name}/certificates", UserModify, "/access"),
        One("DELETE", "/v1/access/users/{name}/certificates/{fingerprint}", UserModify, "/access"),
        // Access: users, groups, tokens, ACL entries, roles (issue 14). /access is where user and role management is granted.
        One("GET", "/v1/access/users", UserModify, Access),
        One("POST", "/v1/access/users", UserModify, Access),
        One("GET", "/v1/access/users/{name}", UserModify, Access),
        One("PUT", "/v1/access/users/{name}", UserModify, Access),
        One("DELETE", "/v1/access/users/{name}", UserModify, Access),
        One("GET", "/v1/access/users/{name}/tokens", UserModify, Access) with { SelfParameter = "name", Note = "a user lists their own tokens" },
        One("POST", "/v1/access/users/{name}/tokens", UserModify, Access) with { SelfParameter = "name", Note = "a user makes their own tokens" },
        One("DELETE", "/v1/access/users/{name}/tokens/{token}", UserModify, Access) with { SelfParameter = "name", Note = "a user revokes their own tokens" },
        new("GET", "/v1/access/tokens", RouteKind.AnyUser) { Note = "every token with User.Modify on /access, else the caller's own" },
        One("GET", "/v1/access/groups", UserModify, Access),
        One("POST", "/v1/access/groups", UserModify, Access),
        One("GET", "/v1/access/groups/{name}", UserModify, Access),
        One("DELETE", "/v1/access/groups/{name}", UserModify, Access),
        One("POST", "/v1/access/groups/{name}/members", UserModify, Access),
        One("DELETE", "/v1/access/groups/{name}/members/{user}", UserModify, Access),
        new("GET", "/v1/access/acl", RouteKind.AnyUser) { Note = "shows the entries on paths where the caller holds Sys.Audit or Permissions.Modify" },
        new("POST", "/v1/access/acl", RouteKind.AnyUser) { Note = "the entry's path is in the body: the handler runs Delegation.Check (Permissions.Modify there, the role within the granter's)" },
        new("POST", "/v1/access/acl/remove", RouteKind.AnyUser) { Note = "as setting an entry: Delegation.Check in the handler" },
        new("GET", "/v1/access/roles", RouteKind.AnyUser) { Note = "what roles hold is no one's secret; a user needs it to ask for one" },
        new("GET", "/v1/access/roles/{name}", RouteKind.AnyUser) { Note = "as the list" },
        One("POST", "/v1/access/roles", PermissionsModify, Access),
        One("DELETE", "/v1/access/roles/{name}", PermissionsModify, Access),
        new("GET", "/v1/access/whoami", RouteKind.AnyUser) { Note = "the caller's own identity and privileges" },
        One("GET", "/v1/audit", SysAudit, Host),
        // The web UI's session (issue 15).
        new("POST", "/v1/session", RouteKind.AnyUser) { Note = "the login itself: the access middleware lets it through; the endpoint checks the password, the rate limit and writes the audit row" },
        new("GET", "/v1/session", RouteKind.AnyUser) { Note = "the caller's own session" },
        new("DELETE", "/v1/session", RouteKind.AnyUser) { Note = "ends the caller's own session" },
        // This API's OpenAPI description.
        new("GET", "/v1/openapi.json", RouteKind.AnyUser) { Note = "describes the API, not the host" },

        // Host to host.
        new("*", "/v1/peer", RouteKind.PeerOnly) { Note = "the group every peer route is under" },
        new("POST", "/v1/peer/join", RouteKind.PeerOnly) { Note = "authenticated by the join token" },
        new("GET", "/v1/peer/hello", RouteKind.PeerOnly),
        new("POST", "/v1/peer/migrations", RouteKind.PeerOnly),
        new("DELETE", "/v1/peer/migrations/{id}", RouteKind.PeerOnly),
        new("POST", "/v1/peer/migrations/{id}/finish", RouteKind.PeerOnly),
        new("POST", "/v1/peer/cluster/join", RouteKind.PeerOnly) { Note = "a trusted host, with the cluster token's secret" },
        new("POST", "/v1/peer/cluster/evacuate", RouteKind.PeerOnly) { Note = "a trusted member, for a caller it checked (Sys.Modify on /)" },
        new("POST", "/v1/peer/cluster/restore", RouteKind.PeerOnly) { Note = "a trusted member, for a caller it checked (Sys.Modify on /)" },

        // Clusters (issue 17): the host's business, like its peers.
        One("POST", "/v1/cluster", SysModify, Host),
        One("GET", "/v1/cluster", SysAudit, Host),
        One("POST", "/v1/cluster/tokens", SysModify, Host),
        One("POST", "/v1/cluster/join", SysModify, Host),
        One("POST", "/v1/cluster/leave", SysModify, Host),
        One("GET", "/v1/cluster/hosts", SysAudit, Host),
        One("DELETE", "/v1/cluster/hosts/{name}", SysModify, Host),
        One("POST", "/v1/cluster/hosts/{name}/evacuate", SysModify, Host),
        One("POST", "/v1/cluster/hosts/{name}/restore", SysModify, Host),
        One("PUT", "/v1/cluster/templates/{name}", SysModify, Host) with { Note = "a member's hospesd only (its peer envelope), for its own template" },
        One("DELETE", "/v1/cluster/templates/{name}", SysModify, Host) with { Note = "a member's hospesd only (?home= names it), when it deletes its template" },
        One("POST", "/v1/cluster/templates/{name}", SysModify, Host) with { Note = "a member's hospesd only (?to= names it), for a clone run on its stale copy" },
    ];

    private static readonly FrozenDictionary<(string, string), RouteRule> ByRoute =
        All.ToFrozenDictionary(r => (r.Method, r.Template));

    /// <summary>The rule of a route, by its method and template (ASP.NET Core's RoutePattern.RawText); null: none (refuse).</summary>
    public static RouteRule? Find(string method, string template) => ByRoute.GetValueOrDefault((method.ToUpperInvariant(), template));

    private static RouteRule One(string method, string template, Privilege privilege, string path) =>
        new(method, template, RouteKind.Object) { Checks = [new PathCheck(privilege, path)] };

    private static RouteRule Both(string method, string template, PathCheck first, PathCheck second) =>
        new(method, template, RouteKind.Object) { Checks = [first, second] };

    private static RouteRule List(string method, string template, Privilege privilege, string itemPath) =>
        new(method, template, RouteKind.List) { ItemPrivilege = privilege, ItemPath = itemPath };
}
