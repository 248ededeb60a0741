using System.Text;

namespace Hospes.Contracts;

/// <summary>
/// Every route of the API: the templates the endpoints map, and <see cref="Path"/>, which fills one in for a client.
/// Parameter names ({name}, {vm}, ...) are the endpoints' handler parameters. Volume names hold '/', so the store's
/// routes take them as ?name= instead of a segment.
/// </summary>
public static class Routes
{
    // VMs: xl's lifecycle.
    public const string Vms = "/v1/vms";
    public const string Vm = "/v1/vms/{name}";
    public const string VmStart = "/v1/vms/{name}/start";
    public const string VmPause = "/v1/vms/{name}/pause";
    public const string VmUnpause = "/v1/vms/{name}/unpause";
    public const string VmDestroy = "/v1/vms/{name}/destroy";
    public const string VmShutdown = "/v1/vms/{name}/shutdown";
    public const string VmReboot = "/v1/vms/{name}/reboot";
    public const string VmSave = "/v1/vms/{name}/save";
    public const string Restore = "/v1/restore";

    // Fork (issue 16): running copies of a running VM that share its memory copy-on-write.
    public const string VmFork = "/v1/vms/{name}/fork";

    // The serial console: its log as text, and live as a WebSocket.
    public const string VmConsoleLog = "/v1/vms/{name}/console/log";
    public const string VmConsole = "/v1/vms/{name}/console";
    // A one-time ticket for the web UI's next console or display WebSocket of the VM (?ticket=, 30 s).
    public const string VmConsoleTicket = "/v1/vms/{name}/console/ticket";

    // The graphical console: the guest's VNC display (RFB) as a WebSocket, binary frames both ways.
    public const string VmVnc = "/v1/vms/{name}/vnc";

    // xl's commands on a running guest through its QEMU.
    public const string VmSysrq = "/v1/vms/{name}/sysrq";
    public const string VmTrigger = "/v1/vms/{name}/trigger";
    public const string VmDumpCore = "/v1/vms/{name}/dump-core";
    public const string VmCdrom = "/v1/vms/{name}/cdroms/{vdev}";
    public const string VmRename = "/v1/vms/{name}/rename";

    // xl sched-credit: the VM's CPU weight and cap (its QEMU's CPU cgroup).
    public const string VmSchedCredit = "/v1/vms/{name}/sched-credit";

    // The guest agent (qemu-ga on the VM's virtio-serial channel).
    public const string VmGuest = "/v1/vms/{name}/guest";
    public const string VmGuestPing = "/v1/vms/{name}/guest/ping";
    public const string VmGuestExec = "/v1/vms/{name}/guest/exec";
    public const string VmGuestTime = "/v1/vms/{name}/guest/time";

    // This host and config files.
    public const string Host = "/v1/host";
    public const string ConfigCheck = "/v1/config/check";

    // Images.
    public const string Images = "/v1/images";
    public const string Image = "/v1/images/{name}";
    public const string ImageBuild = "/v1/images/{kind}/build";
    public const string ImageImport = "/v1/images/import";

    // The store: disks (?name=), templates, clones (NDJSON) and snapshots.
    public const string Disks = "/v1/disks";
    public const string Disk = "/v1/disk";
    public const string DiskResize = "/v1/disk/resize";
    public const string DisksCheck = "/v1/disks/check";
    public const string Templates = "/v1/templates";
    public const string Template = "/v1/templates/{name}";
    public const string TemplateClone = "/v1/templates/{name}/clone";
    public const string VmSnapshots = "/v1/vms/{vm}/snapshots";
    public const string VmSnapshot = "/v1/vms/{vm}/snapshots/{snapshot}";
    public const string VmSnapshotRevert = "/v1/vms/{vm}/snapshots/{snapshot}/revert";

    // Networks, a VM's vifs and port forwards, and the TCP relay WebSocket `hospes ssh` rides on.
    public const string Networks = "/v1/networks";
    public const string Network = "/v1/networks/{name}";
    public const string VmVifs = "/v1/vms/{vm}/vifs";

    /// <summary>One vif of a VM by devid (its index) or MAC: network-detach.</summary>
    public const string VmVif = "/v1/vms/{vm}/vifs/{vif}";
    public const string PortForwards = "/v1/port-forwards";
    public const string VmPortForwards = "/v1/vms/{vm}/port-forwards";
    public const string VmPortForward = "/v1/vms/{vm}/port-forwards/{protocol}/{hostPort:int}";
    public const string VmSsh = "/v1/vms/{vm}/ssh";
    public const string VmTcp = "/v1/vms/{vm}/tcp/{port:int}";

    // Memory.
    public const string HostMemory = "/v1/host/memory";
    // The host's memory over the last hour, sampled by hospesd every 10 s (the web UI's chart).
    public const string HostMemoryHistory = "/v1/host/memory/history";
    public const string Top = "/v1/top";
    public const string VmMemory = "/v1/vms/{vm}/memory";
    public const string VmMemoryTarget = "/v1/vms/{vm}/memory/target";
    public const string VmMemoryMax = "/v1/vms/{vm}/memory/max";

    // A VM's vCPUs (xl vcpu-list, vcpu-set, vcpu-pin).
    public const string VmVcpus = "/v1/vms/{vm}/vcpus";
    public const string VmVcpuAffinity = "/v1/vms/{vm}/vcpus/affinity";

    // A VM's disks (xl block-list, block-attach, block-detach).
    public const string VmBlocks = "/v1/vms/{vm}/blocks";
    public const string VmBlock = "/v1/vms/{vm}/blocks/{vdev}";

    // Live migration (NDJSON progress) and its cancel.
    public const string VmMigrate = "/v1/vms/{vm}/migrate";
    public const string VmMigration = "/v1/vms/{vm}/migration";

    // The event stream (NDJSON, or server-sent events with Accept: text/event-stream): ?vm=NAME, ?type=T[,T].
    public const string Events = "/v1/events";

    // Projects (issue 14): what owns VMs, templates, disks and networks, with limits.
    public const string Projects = "/v1/projects";
    public const string Project = "/v1/projects/{name}";

    // The hosts this one trusts, on the unix socket.
    public const string HostTokens = "/v1/host/tokens";
    public const string HostPeers = "/v1/host/peers";
    public const string HostPeer = "/v1/host/peers/{name}";
    public const string HostPeerCheck = "/v1/host/peers/{name}/check";

    // TLS client certificates that log in as users (`hospes cert`).
    public const string Certificates = "/v1/access/certificates";
    public const string UserCertificates = "/v1/access/users/{name}/certificates";
    public const string UserCertificate = "/v1/access/users/{name}/certificates/{fingerprint}";

    // Access (issue 14): users, groups, API tokens, ACL entries, roles, who the caller is; and the audit log.
    public const string AccessUsers = "/v1/access/users";
    public const string AccessUser = "/v1/access/users/{name}";
    public const string AccessUserTokens = "/v1/access/users/{name}/tokens";
    public const string AccessUserToken = "/v1/access/users/{name}/tokens/{token}";
    public const string AccessTokens = "/v1/access/tokens";
    public const string AccessGroups = "/v1/access/groups";
    public const string AccessGroup = "/v1/access/groups/{name}";
    public const string AccessGroupMembers = "/v1/access/groups/{name}/members";
    public const string AccessGroupMember = "/v1/access/groups/{name}/members/{user}";
    public const string AccessAcl = "/v1/access/acl";
    public const string AccessAclRemove = "/v1/access/acl/remove";
    public const string AccessRoles = "/v1/access/roles";
    public const string AccessRole = "/v1/access/roles/{name}";
    public const string AccessWhoami = "/v1/access/whoami";
    public const string Audit = "/v1/audit";

    // The web UI's login: a session cookie and its CSRF token.
    public const string Session = "/v1/session";

    /// <summary>This API's OpenAPI 3.1 description.</summary>
    public const string OpenApi = "/v1/openapi.json";

    /// <summary>Host to host. Everything under it but join needs a trusted client certificate.</summary>
    public const string Peer = "/v1/peer";
    public const string PeerJoin = "/v1/peer/join";
    public const string PeerHello = "/v1/peer/hello";
    public const string PeerMigrations = "/v1/peer/migrations";
    public const string PeerMigration = "/v1/peer/migrations/{id}";
    public const string PeerMigrationFinish = "/v1/peer/migrations/{id}/finish";

    // Clusters (issue 17).
    public const string Cluster = "/v1/cluster";
    public const string ClusterTokens = "/v1/cluster/tokens";
    public const string ClusterJoin = "/v1/cluster/join";
    public const string ClusterLeave = "/v1/cluster/leave";
    public const string ClusterHosts = "/v1/cluster/hosts";
    public const string ClusterHost = "/v1/cluster/hosts/{name}";
    public const string PeerClusterJoin = "/v1/peer/cluster/join";

    // Evacuation (issue 17, part 2): a host's VMs leave it, and it takes none until restored.
    public const string ClusterHostEvacuate = "/v1/cluster/hosts/{name}/evacuate";
    public const string ClusterHostRestore = "/v1/cluster/hosts/{name}/restore";
    public const string PeerClusterEvacuate = "/v1/peer/cluster/evacuate";
    public const string PeerClusterRestore = "/v1/peer/cluster/restore";

    /// <summary>
    /// A template's files from another member, for clones placed here (body: the files one after another); DELETE: its
    /// copy here (?home=); POST: a member with a stale copy asks the template's home to send it again (?to= names it).
    /// </summary>
    public const string ClusterTemplate = "/v1/cluster/templates/{name}";

    /// <summary>
    /// Fills the template's parameters in order with <paramref name="segments"/>, each escaped as one path segment:
    /// <c>Path(VmStart, "web")</c> is "/v1/vms/web/start".
    /// </summary>
    public static string Path(string template, params ReadOnlySpan<string> segments)
    {
        ArgumentNullException.ThrowIfNull(template);
        var path = new StringBuilder(template.Length + 16);
        int used = 0;
        for (int i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                path.Append(template[i]);
                continue;
            }

            int end = template.IndexOf('}', i);
            if (end < 0 || used == segments.Length)
            {
                throw new ArgumentException($"route {template} needs more than {segments.Length} segment(s)", nameof(segments));
            }

            path.Append(Uri.EscapeDataString(segments[used++]));
            i = end;
        }

        return used == segments.Length
            ? path.ToString()
            : throw new ArgumentException($"route {template} takes {used} segment(s), not {segments.Length}", nameof(segments));
    }

    /// <summary>Adds one escaped query parameter: <c>Query(Disk, "name", "web/xvda")</c> is "/v1/disk?name=web%2Fxvda".</summary>
    public static string Query(string path, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(path);
        return $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{key}={Uri.EscapeDataString(value)}";
    }
}
