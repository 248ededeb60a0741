namespace Hospes.Host.Cluster;

/// <summary>
/// The cluster at one read: its members, those up (their `hosts/` key, with their figures), those cordoned, and every
/// VM's owner.
/// </summary>
internal sealed record ClusterView(
    IReadOnlyList<MemberRecord> Members,
    IReadOnlyDictionary<string, HostResources> Up,
    IReadOnlySet<string> Cordoned,
    IReadOnlyDictionary<string, VmOwner> Owners);

/// <summary>The member that owns a VM, and whether it is up.</summary>
internal sealed record RemoteOwner(MemberRecord Member, bool Up);
