using System.Net;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Network;
using Hospes.Network.Addressing;
using Hospes.Network.Dhcp;
using Hospes.Network.Firewall;

namespace Hospes.Host.Network;

/// <summary>What a network's nftables table and dnsmasq are made from: its record, the VMs on it and their forwards.</summary>
internal static class NetworkSpecs
{
    public static Ipv4Subnet Subnet(NetworkRecord n) =>
        Ipv4Subnet.TryParse(n.Subnet, out Ipv4Subnet s, out string? problem) ? s : throw new InvalidOperationException($"network {n.Name}: stored subnet {n.Subnet}: {problem}");

    /// <summary>nftables table names: letters, digits and '_'.</summary>
    public static string TableName(string bridge) => "hospes_" + string.Concat(bridge.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    /// <summary>
    /// The network's tables: its subnet, its mode, the forwards to its guests (<paramref name="forwards"/> may name other
    /// networks) and, for every vif of <paramref name="vms"/> on it, its tap with the only MAC and address it may send with
    /// (of two VMs with one tap name, the first: the caller lists the running ones first).
    /// </summary>
    public static NftNetwork Nft(NetworkRecord n, IReadOnlyList<NetworkRecord> networks, IEnumerable<VmForward> forwards, IEnumerable<VmSpec> vms) => new(
        TableName(n.Bridge), n.Bridge, Subnet(n), Mode(n),
        [.. forwards.Where(f => f.Network == n.Name && f.GuestIp.Length > 0).Select(f => new PortForward(f.Protocol, f.HostPort, IPAddress.Parse(f.GuestIp), f.GuestPort))])
    {
        Guests =
        [
            .. vms.SelectMany(s => s.Vifs.Select((v, i) => (Vif: v, Tap: NetworkService.TapName(s, i)))
                .Where(x => x.Vif.Ip is not null && x.Vif.Mac is not null && NetworkService.NetworkOf(x.Vif, networks)?.Name == n.Name)
                .Select(x => new NftGuest(x.Tap, x.Vif.Mac!, IPAddress.Parse(x.Vif.Ip!))))
                .DistinctBy(g => g.Tap, StringComparer.Ordinal),
        ],
    };

    /// <summary>The network's dnsmasq in <paramref name="directory"/>: a reserved address for every vif on it with an ip and a MAC.</summary>
    public static DnsmasqSpec Dnsmasq(NetworkRecord n, IReadOnlyList<NetworkRecord> networks, IEnumerable<VmSpec> vms, string directory)
    {
        var hosts = vms
            .SelectMany(s => s.Vifs.Where(v => v.Ip is not null && v.Mac is not null && NetworkService.NetworkOf(v, networks)?.Name == n.Name)
                .Select(v => new DhcpHost(v.Mac!, IPAddress.Parse(v.Ip!), s.Name)))
            .ToList();
        return new DnsmasqSpec(n.Name, n.Bridge, Subnet(n), Mode(n), directory, hosts);
    }

    private static NetworkMode Mode(NetworkRecord n) => n.Mode == "nat" ? NetworkMode.Nat : NetworkMode.Isolated;
}
