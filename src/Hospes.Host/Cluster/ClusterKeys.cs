namespace Hospes.Host.Cluster;

/// <summary>
/// The cluster's keys in etcd, all under `/hospes/&lt;cluster&gt;/`: `members/&lt;host&gt;` (a member, until it leaves
/// or is removed), `hosts/&lt;host&gt;` (on the host's lease: there while it is alive), `vms/&lt;vm&gt;` (the VM's owner,
/// made by compare-create, never on a lease: a dead host still owns its VMs), `tokens/&lt;sha256&gt;` (a one-time join
/// token, on a one-hour lease), `election/leader` (part 2), `cordoned/&lt;host&gt;` (an evacuated host), `access` (the access data), `hafrozen/&lt;host&gt;` (a host stopped cleanly with HA VMs running), `alive/&lt;host&gt;` (on the host's lease, written every renewal round: HA's heartbeat), `projectvms/&lt;project&gt;` (a project's usage revision), `vmuse/&lt;vm&gt;` (a running VM's memory and vCPUs), `revoked` (removed hosts' certificates).
/// </summary>
internal sealed class ClusterKeys(string cluster)
{
    public string Root { get; } = $"/hospes/{cluster}/";

    public string Members => Root + "members/";

    public string Hosts => Root + "hosts/";

    public string Vms => Root + "vms/";

    public string Tokens => Root + "tokens/";

    public string Leader => Root + "election/leader";

    /// <summary>`ha/&lt;vm&gt;`: an HA VM's definition (<see cref="Ha.HaRecord"/>), so another host can start it.</summary>
    public string HaVms => Root + "ha/";

    /// <summary>`harestart/&lt;vm&gt;`: the leader's order to the VM's new owner to define and start it (<see cref="Ha.HaRestart"/>).</summary>
    public string HaRestarts => Root + "harestart/";

    /// <summary>`cordoned/&lt;host&gt;`: a host that gets no new VMs (evacuated).</summary>
    public string Cordoned => Root + "cordoned/";

    /// <summary>`access`: the cluster's users, groups, tokens, ACL, roles, projects and certificates (<see cref="Hospes.Host.Cluster.Access.AccessSnapshot"/>).</summary>
    public string Access => Root + "access";

    /// <summary>`hafrozen/&lt;host&gt;`: a host whose hospesd stopped cleanly with HA VMs running (<see cref="Ha.HaFreeze"/>): the leader moves none of its VMs.</summary>
    public string HaFrozen => Root + "hafrozen/";

    /// <summary>`alive/&lt;host&gt;`: the host's heartbeat, put every renewal round on its lease; a put needs a raft commit, so unlike a lease renewal a cut-off etcd leader cannot acknowledge it.</summary>
    public string Alives => Root + "alive/";

    /// <summary>`projectvms/&lt;project&gt;`: a counter bumped by every claim of a VM in the project and every raise of its running VMs' usage, compared by the next (<see cref="ProjectClaims"/>).</summary>
    public string ProjectVms => Root + "projectvms/";

    /// <summary>`revoked`: the hosts removed from the cluster, with the CRL of their etcd certificates (<see cref="RevocationRecord"/>).</summary>
    public string Revoked => Root + "revoked";

    public string ProjectRevision(string project) => ProjectVms + project;

    /// <summary>`vmuse/&lt;vm&gt;`: what a running VM counts against its project's memory and vCPU limits (<see cref="ProjectUse"/>).</summary>
    public string VmUses => Root + "vmuse/";

    public string VmUse(string name) => VmUses + name;

    public string Frozen(string host) => HaFrozen + host;

    public string Alive(string host) => Alives + host;

    public string HaVm(string name) => HaVms + name;

    public string HaRestart(string name) => HaRestarts + name;

    public string Cordon(string host) => Cordoned + host;

    public string Member(string host) => Members + host;

    public string Host(string host) => Hosts + host;

    public string Vm(string name) => Vms + name;

    public string Token(string secretHash) => Tokens + secretHash;

    /// <summary>The last segment of a key under one of the prefixes.</summary>
    public static string NameOf(string key) => key[(key.LastIndexOf('/') + 1)..];
}
