using Hospes.Host.State;

namespace Hospes.Host.Network;

/// <summary>A network and how it stands on the host now.</summary>
/// <param name="Active">Its bridge (made by this hospesd) exists; its rules and dnsmasq come up with it.</param>
/// <param name="Members">Every vif of a VM on it.</param>
internal sealed record NetworkStatus(NetworkRecord Network, string Gateway, bool Active, int? DnsmasqPid, IReadOnlyList<NetworkMember> Members, IReadOnlyList<VmForward> Forwards);
