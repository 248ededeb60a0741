using System.Net;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;
using Hospes.Network.Interfaces;

namespace Hospes.Network;

/// <summary>
/// What a host's networks are made of, as hospesd asks for it: links (bridges, taps, addresses, sysctls), one nftables
/// table and one dnsmasq per network. The one place hospesd's networks touch the host, so they can be tested with a
/// fake host. Failures of the tools are <see cref="Tools.NetToolException"/>s.
/// </summary>
public interface INetworkHost
{
    Task<IReadOnlyList<LinkInfo>> ListLinksAsync(CancellationToken ct);

    /// <summary>Every IPv4 network the host already routes or has an address in, the default route aside.</summary>
    Task<IReadOnlyList<(IPAddress Network, int Prefix)>> Ipv4NetworksInUseAsync(CancellationToken ct);

    /// <summary>A bridge marked with <paramref name="mark"/> as its alias, up (see <see cref="Links.CreateBridgeAsync"/>).</summary>
    Task CreateBridgeAsync(string name, string mark, CancellationToken ct);

    Task AddAddressAsync(string link, IPAddress address, int prefixLength, CancellationToken ct);

    Task SetSysctlAsync(string key, string value, CancellationToken ct);

    /// <summary>Deletes a link; one that does not exist is not an error.</summary>
    Task DeleteLinkAsync(string name, CancellationToken ct);

    /// <summary>Puts a tap QEMU made on its bridge and brings it up.</summary>
    Task AttachTapAsync(string tap, string bridge, CancellationToken ct);

    /// <summary>True when <paramref name="name"/> is a bridge of the host (Hospes's or not).</summary>
    bool IsBridge(string name);

    bool LinkExists(string name);

    /// <summary>Is a program of the host listening on the port (tcp) or bound to it (udp)?</summary>
    bool IsPortInUse(string protocol, int port);

    /// <summary>The ports the kernel hands out on its own (net.ipv4.ip_local_port_range): never a forward's.</summary>
    (int Low, int High) EphemeralPorts();

    /// <summary>Replaces the network's nftables tables (ip and bridge) in one transaction.</summary>
    Task ApplyRulesAsync(NftNetwork rules, CancellationToken ct);

    /// <summary>Deletes a network's nftables tables (ip and bridge); one that does not exist is not an error.</summary>
    Task DeleteRulesAsync(string table, CancellationToken ct);

    /// <summary>
    /// Replaces hospesd's nftables table of incoming migrations' ports: each reachable from its source host only.
    /// An empty list removes the table.
    /// </summary>
    Task ApplyMigrationRulesAsync(IReadOnlyCollection<MigrationOpening> openings, CancellationToken ct);

    /// <summary>The names of every nftables table of the ip family, Hospes's or not.</summary>
    Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken ct);

    /// <summary>The network's dnsmasq knows <see cref="DnsmasqSpec.Hosts"/>; started or restarted when it has to be.</summary>
    Task UpdateDhcpAsync(DnsmasqSpec spec, CancellationToken ct);

    /// <summary>Ends the dnsmasq of <paramref name="directory"/>, if one runs.</summary>
    Task StopDhcpAsync(string directory, CancellationToken ct);

    /// <summary>The pid of the dnsmasq of <paramref name="directory"/>, or null when none runs.</summary>
    int? DhcpPid(string directory);
}
