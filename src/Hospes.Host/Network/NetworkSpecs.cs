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

    /// <summary>The network's table: its subnet, its mode, and the forwards to its guests (<paramref name="forwards"/> may name other networks).</summary>
    public static NftNetwork Nft(NetworkRecord n, IEnumerable<VmForward> forwards) => new(
        TableName(n.Bridge), n.Bridge, Subnet(n), Mode(n),
        [.. forwards.Where(f => f.Network == n.Name && f.GuestIp.Length > 0).Select(f => new PortForward(f.Protocol, f.HostPort, IPAddress.Parse(f.GuestIp), f.GuestPort))]);

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
