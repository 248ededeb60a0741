using System.Collections.Frozen;
using Hospes.Contracts;
using static Hospes.Api.OpenApi.ShapeKind;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Hospes.Api.OpenApi;

/// <summary>
/// What every route answers, for /v1/openapi.json: one row per route of <see cref="Routes"/> and method. ApiShapesTests
/// fails when an endpoint has no row (add it here with the endpoint), or a row no endpoint.
/// </summary>
internal static class ApiShapes
{
    public static IReadOnlyList<ApiShape> All { get; } =
    [
        // VMs.
        new("GET", Routes.Vms, typeof(VmInfo[])),
        new("POST", Routes.Vms, typeof(CreateVmResponse), Status201Created),
        new("GET", Routes.Vm, typeof(VmInfo)),
        new("DELETE", Routes.Vm, typeof(VmInfo)),
        new("POST", Routes.VmStart, typeof(VmInfo)),
        new("POST", Routes.VmPause, typeof(VmInfo)),
        new("POST", Routes.VmUnpause, typeof(VmInfo)),
        new("POST", Routes.VmDestroy, typeof(VmInfo)),
        new("POST", Routes.VmShutdown, typeof(VmInfo)),
        new("POST", Routes.VmReboot, typeof(VmInfo)),
        new("POST", Routes.VmSave, typeof(VmInfo)),
        new("POST", Routes.Restore, typeof(VmInfo)),
        new("POST", Routes.VmFork, typeof(ForkResult)) { Summary = "Running copies of a running VM that share its memory copy-on-write; the VM runs on" },
        new("GET", Routes.VmConsoleLog, typeof(string), Kind: Text) { Summary = "The console's output so far (the last 8 MiB)" },
        new("GET", Routes.VmConsole, null, Status101SwitchingProtocols, WebSocket) { Summary = "The live serial console: a WebSocket, binary frames both ways" },
        new("POST", Routes.VmConsoleTicket, typeof(ConsoleTicket)) { Summary = "A one-time ticket (30 s, this caller, this VM) for a console or display WebSocket opened with the web UI's session cookie: ?ticket=" },
        new("GET", Routes.VmVnc, null, Status101SwitchingProtocols, WebSocket) { Summary = "The guest's VNC display (RFB): a WebSocket, binary frames both ways" },
        new("POST", Routes.VmSysrq, typeof(VmInfo)) { Summary = "Alt+SysRq+KEY on an HVM guest's keyboard (xl sysrq)" },
        new("POST", Routes.VmRename, typeof(VmInfo)) { Summary = "give the VM another name, running or not (xl rename)" },
        new("POST", Routes.VmTrigger, typeof(VmInfo)) { Summary = "nmi, reset, power or s3resume (xl trigger)" },
        new("GET", Routes.VmSchedCredit, typeof(SchedCreditInfo)) { Summary = "the CPU weight and cap (xl sched-credit -d)" },
        new("PUT", Routes.VmSchedCredit, typeof(SchedCreditInfo)) { Summary = "set the CPU weight and/or cap, at once while it runs and for its next start (xl sched-credit -w/-c)" },
        new("POST", Routes.VmDumpCore, typeof(VmInfo)) { Summary = "The guest's memory as an ELF core file on the host (xl dump-core)" },
        new("PUT", Routes.VmCdrom, typeof(VmInfo)) { Summary = "Insert an image into a CD-ROM drive (xl cd-insert)" },
        new("DELETE", Routes.VmCdrom, typeof(VmInfo)) { Summary = "Eject a CD-ROM drive's medium (xl cd-eject)" },
        new("GET", Routes.VmGuestPing, typeof(GuestPingResponse)) { Summary = "Whether the guest agent answers (guest-ping)" },
        new("GET", Routes.VmGuest, typeof(GuestInfo)) { Summary = "The guest agent's view: OS, kernel, host name, interfaces and addresses" },
        new("POST", Routes.VmGuestExec, typeof(GuestExecResponse)) { Summary = "Run a program in the guest through its agent and wait for it (guest-exec)" },
        new("POST", Routes.VmGuestTime, typeof(GuestTimeResponse)) { Summary = "Set the guest's clock to the host's (guest-set-time)" },

        // This host and config files.
        new("GET", Routes.Host, typeof(HostInfo)),
        new("POST", Routes.ConfigCheck, typeof(ConfigCheckResponse)),

        // Images.
        new("GET", Routes.Images, typeof(ImageInfo[])),
        new("GET", Routes.Image, typeof(ImageInfo)),
        new("DELETE", Routes.Image, typeof(VolumeInfo)),
        new("POST", Routes.ImageBuild, typeof(ImageBuildResponse)),
        new("POST", Routes.ImageImport, typeof(VolumeInfo), Status201Created),

        // The store.
        new("GET", Routes.Disks, typeof(VolumeInfo[])),
        new("POST", Routes.Disks, typeof(VolumeInfo), Status201Created),
        new("GET", Routes.Disk, typeof(VolumeInfo)),
        new("DELETE", Routes.Disk, typeof(VolumeInfo)),
        new("POST", Routes.DiskResize, typeof(VolumeInfo)),
        new("GET", Routes.DisksCheck, typeof(StoreCheckReport)),
        new("GET", Routes.Templates, typeof(TemplateInfo[])),
        new("POST", Routes.Templates, typeof(TemplateInfo), Status201Created),
        new("GET", Routes.Template, typeof(TemplateInfo)),
        new("DELETE", Routes.Template, typeof(TemplateInfo)),
        new("POST", Routes.TemplateClone, typeof(CloneEvent), Kind: Ndjson) { Summary = "Clones a template; progress as JSON lines, \"done\" last" },
        new("GET", Routes.VmSnapshots, typeof(SnapshotInfo[])),
        new("POST", Routes.VmSnapshots, typeof(SnapshotInfo), Status201Created),
        new("DELETE", Routes.VmSnapshot, typeof(SnapshotInfo)),
        new("POST", Routes.VmSnapshotRevert, typeof(SnapshotInfo)),

        // Networks, vifs, port forwards, the TCP relay.
        new("GET", Routes.Networks, typeof(NetworkInfo[])),
        new("POST", Routes.Networks, typeof(NetworkInfo), Status201Created),
        new("GET", Routes.Network, typeof(NetworkInfo)),
        new("DELETE", Routes.Network, typeof(NetworkInfo)),
        new("GET", Routes.VmVifs, typeof(VifInfo[])),
        new("POST", Routes.VmVifs, typeof(VifInfo[])),
        new("DELETE", Routes.VmVif, typeof(VifInfo[])),
        new("GET", Routes.PortForwards, typeof(PortForwardInfo[])),
        new("GET", Routes.VmPortForwards, typeof(PortForwardInfo[])),
        new("POST", Routes.VmPortForwards, typeof(PortForwardInfo), Status201Created),
        new("DELETE", Routes.VmPortForward, typeof(PortForwardInfo)),
        new("GET", Routes.VmSsh, typeof(SshTarget)),
        new("GET", Routes.VmTcp, null, Status101SwitchingProtocols, WebSocket) { Summary = "A TCP connection to the guest's port, made by hospesd: a WebSocket, binary frames both ways" },

        // Memory.
        new("GET", Routes.HostMemory, typeof(HostMemoryInfo)),
        new("GET", Routes.HostMemoryHistory, typeof(HostMemoryHistoryInfo)) { Summary = "The host's memory over the last hour, a sample every 10 s" },
        new("GET", Routes.Top, typeof(TopInfo)),
        new("GET", Routes.VmMemory, typeof(VmMemoryInfo)),
        new("PUT", Routes.VmMemoryTarget, typeof(VmMemoryInfo)),
        new("PUT", Routes.VmMemoryMax, typeof(VmMemoryInfo)),

        // vCPUs.
        new("GET", Routes.VmVcpus, typeof(VcpuInfo[])),
        new("PUT", Routes.VmVcpus, typeof(VcpuInfo[])),
        new("PUT", Routes.VmVcpuAffinity, typeof(VcpuInfo[])),

        // Disks of a VM.
        new("GET", Routes.VmBlocks, typeof(BlockInfo[])),
        new("POST", Routes.VmBlocks, typeof(BlockInfo[])),
        new("DELETE", Routes.VmBlock, typeof(BlockInfo[])),

        // Live migration.
        new("POST", Routes.VmMigrate, typeof(MigrationEvent), Kind: Ndjson) { Summary = "Migrates a VM to another host; progress as JSON lines, \"done\" or \"failed\" last" },
        new("DELETE", Routes.VmMigration, typeof(bool)),

        // The hosts this one trusts.
        new("POST", Routes.HostTokens, typeof(HostTokenInfo), Status201Created),
        new("GET", Routes.HostPeers, typeof(HostPeerInfo[])),
        new("POST", Routes.HostPeers, typeof(HostPeerInfo), Status201Created),
        new("DELETE", Routes.HostPeer, typeof(HostPeerInfo)),
        new("POST", Routes.HostPeerCheck, typeof(PeerJoinResponse)),

        // The event stream.
        new("GET", Routes.Events, typeof(HostEvent), Kind: Ndjson) { Summary = "The host's events as they happen, as JSON lines (or server-sent events for Accept: text/event-stream), only those the caller may see; ?vm=, ?type=, and ?cluster=true for every cluster member's, each naming its host" },

        // Projects.
        new("GET", Routes.Projects, typeof(ProjectInfo[])),
        new("POST", Routes.Projects, typeof(ProjectInfo), Status201Created),
        new("GET", Routes.Project, typeof(ProjectInfo)),
        new("PUT", Routes.Project, typeof(ProjectInfo)),
        new("DELETE", Routes.Project, typeof(ProjectInfo)),

        // Users, groups, tokens, client certificates, ACL entries, roles, whoami, the audit log.
        new("GET", Routes.AccessUsers, typeof(UserInfo[])),
        new("POST", Routes.AccessUsers, typeof(UserInfo), Status201Created),
        new("GET", Routes.AccessUser, typeof(UserInfo)),
        new("PUT", Routes.AccessUser, typeof(UserInfo)),
        new("DELETE", Routes.AccessUser, typeof(UserInfo)),
        new("GET", Routes.AccessTokens, typeof(TokenInfo[])),
        new("GET", Routes.AccessUserTokens, typeof(TokenInfo[])),
        new("POST", Routes.AccessUserTokens, typeof(TokenCreated), Status201Created) { Summary = "Makes a token; its secret is in this answer only" },
        new("DELETE", Routes.AccessUserToken, typeof(TokenInfo)),
        new("GET", Routes.AccessGroups, typeof(GroupInfo[])),
        new("POST", Routes.AccessGroups, typeof(GroupInfo), Status201Created),
        new("GET", Routes.AccessGroup, typeof(GroupInfo)),
        new("DELETE", Routes.AccessGroup, typeof(GroupInfo)),
        new("POST", Routes.AccessGroupMembers, typeof(GroupInfo)),
        new("DELETE", Routes.AccessGroupMember, typeof(GroupInfo)),
        new("GET", Routes.Certificates, typeof(UserCertificateInfo[])),
        new("GET", Routes.UserCertificates, typeof(UserCertificateInfo[])),
        new("POST", Routes.UserCertificates, typeof(UserCertificateInfo), Status201Created),
        new("DELETE", Routes.UserCertificate, typeof(UserCertificateInfo)),
        new("GET", Routes.AccessAcl, typeof(AclEntryInfo[])),
        new("POST", Routes.AccessAcl, typeof(AclEntryInfo)),
        new("POST", Routes.AccessAclRemove, typeof(AclEntryInfo)),
        new("GET", Routes.AccessRoles, typeof(RoleInfo[])),
        new("POST", Routes.AccessRoles, typeof(RoleInfo), Status201Created),
        new("GET", Routes.AccessRole, typeof(RoleInfo)),
        new("DELETE", Routes.AccessRole, typeof(RoleInfo)),
        new("GET", Routes.AccessWhoami, typeof(WhoamiInfo)),
        new("GET", Routes.Audit, typeof(AuditEntryInfo[])),

        // The web UI's session (cookie hospes_session; changes send its CSRF token in X-Hospes-CSRF).
        new("POST", Routes.Session, typeof(SessionInfo), Status201Created) { Summary = "Logs in with a user's password: sets the session cookie, answers its CSRF token" },
        new("GET", Routes.Session, typeof(SessionInfo)),
        new("DELETE", Routes.Session, typeof(SessionInfo)) { Summary = "Logs out: ends the session of the cookie" },

        // Host to host (a trusted host's client certificate; join: a join token).
        new("POST", Routes.PeerJoin, typeof(PeerJoinResponse)),
        new("GET", Routes.PeerHello, typeof(PeerJoinResponse)),
        new("POST", Routes.PeerMigrations, typeof(MigrationPrepared)),
        new("POST", Routes.PeerMigrationFinish, typeof(MigrationFinished)),
        new("DELETE", Routes.PeerMigration, typeof(bool)),
        new("POST", Routes.PeerClusterJoin, typeof(PeerClusterJoinResponse)) { Summary = "A trusted host joins this host's cluster with a cluster token's secret" },

        // Clusters (issue 17).
        new("POST", Routes.Cluster, typeof(ClusterInfo), Status201Created) { Summary = "Makes a cluster of this host alone: its CA and etcd member" },
        new("GET", Routes.Cluster, typeof(ClusterInfo)),
        new("POST", Routes.ClusterTokens, typeof(HostTokenInfo), Status201Created) { Summary = "A one-time token another host joins the cluster with" },
        new("POST", Routes.ClusterJoin, typeof(ClusterInfo)) { Summary = "Joins the cluster of the member at the address" },
        new("POST", Routes.ClusterLeave, typeof(ClusterInfo)),
        new("GET", Routes.ClusterHosts, typeof(ClusterHostInfo[])),
        new("DELETE", Routes.ClusterHost, typeof(ClusterHostInfo)) { Summary = "Removes a host that is down from the cluster" },
        new("POST", Routes.ClusterHostEvacuate, typeof(EvacuationEvent), Kind: Ndjson) { Summary = "Evacuates a member: cordoned, its running VMs migrate away (or stop); progress as JSON lines, \"done\" or \"error\" last" },
        new("POST", Routes.ClusterHostRestore, typeof(HostRestoreResult)) { Summary = "Takes an evacuated member back into service; what a stop-mode evacuation stopped starts again" },
        new("PUT", Routes.ClusterTemplate, typeof(TemplateInfo)) { Summary = "A member copies a template here for the clones it placed here: its header as one JSON line, then its disk files" },
        new("POST", Routes.ClusterTemplate, typeof(TemplateInfo)) { Summary = "A member whose copy of this host's template is stale asks for it again (?to= names the member): this host sends it there; refused while linked clones stand on the copy" },
        new("DELETE", Routes.ClusterTemplate, typeof(TemplateInfo)) { Summary = "A member deletes its template: this host's copy of it goes too (?home= names the member); refused while linked clones stand on it" },
        new("POST", Routes.PeerClusterEvacuate, typeof(EvacuationEvent), Kind: Ndjson) { Summary = "A member asks this host to evacuate itself" },
        new("POST", Routes.PeerClusterRestore, typeof(HostRestoreResult)) { Summary = "A member asks this host to take itself back into service" },
    ];

    private static readonly FrozenDictionary<(string, string), ApiShape> ByRoute =
        All.ToFrozenDictionary(s => (s.Method, Key(s.Template)));

    /// <summary>The row of a route by method and template, with or without constraints and the leading '/' (ApiExplorer drops both).</summary>
    public static ApiShape? Find(string method, string template) => ByRoute.GetValueOrDefault((method.ToUpperInvariant(), Key(template)));

    /// <summary>The error statuses a route may answer, each with the error body: by the kind of route, not by its code.</summary>
    public static IReadOnlyList<int> Errors(ApiShape shape)
    {
        List<int> errors = [Status400BadRequest, Status401Unauthorized, Status403Forbidden, Status404NotFound];
        if (shape.Method != "GET")
        {
            errors.AddRange([Status409Conflict, Status422UnprocessableEntity, Status504GatewayTimeout]);
        }

        errors.Add(Status500InternalServerError);
        return errors;
    }

    /// <summary>"/v1/vms/{vm}/tcp/{port:int}" → "v1/vms/{vm}/tcp/{port}".</summary>
    public static string Key(string template)
    {
        var key = new System.Text.StringBuilder(template.Length);
        bool inConstraint = false;
        foreach (char c in template.TrimStart('/'))
        {
            if (c == ':' && key.ToString().LastIndexOf('{') > key.ToString().LastIndexOf('}'))
            {
                inConstraint = true;
            }
            else if (c == '}')
            {
                inConstraint = false;
            }

            if (!inConstraint)
            {
                key.Append(c);
            }
        }

        return key.ToString();
    }
}
