namespace Hospes.Network.Dhcp;

/// <summary>
/// The files of one network's dnsmasq, all in its directory, but for the two hosts files it re-reads as nobody, which
/// are in <paramref name="HostsDirectory"/> when one is given (so its own directory can be root's alone).
/// </summary>
public sealed record DnsmasqPaths(string Directory, string? HostsDirectory = null)
{
    public string Config => Path.Combine(Directory, "dnsmasq.conf");

    /// <summary>dhcp-hostsfile: one "MAC,IP[,NAME]" per reserved address.</summary>
    public string DhcpHosts => Path.Combine(HostsDirectory ?? Directory, "dhcp-hosts");

    /// <summary>addn-hosts: "IP NAME.DOMAIN NAME", so a guest has a name before (and without) a DHCP lease.</summary>
    public string DnsHosts => Path.Combine(HostsDirectory ?? Directory, "dns-hosts");

    public string Leases => Path.Combine(Directory, "dnsmasq.leases");

    public string PidFile => Path.Combine(Directory, "dnsmasq.pid");

    public string Log => Path.Combine(Directory, "dnsmasq.log");
}
