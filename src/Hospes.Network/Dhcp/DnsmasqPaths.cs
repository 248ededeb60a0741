namespace Hospes.Network.Dhcp;

/// <summary>The files of one network's dnsmasq, all in its directory.</summary>
public sealed record DnsmasqPaths(string Directory)
{
    public string Config => Path.Combine(Directory, "dnsmasq.conf");

    /// <summary>dhcp-hostsfile: one "MAC,IP[,NAME]" per reserved address.</summary>
    public string DhcpHosts => Path.Combine(Directory, "dhcp-hosts");

    /// <summary>addn-hosts: "IP NAME.DOMAIN NAME", so a guest has a name before (and without) a DHCP lease.</summary>
    public string DnsHosts => Path.Combine(Directory, "dns-hosts");

    public string Leases => Path.Combine(Directory, "dnsmasq.leases");

    public string PidFile => Path.Combine(Directory, "dnsmasq.pid");

    public string Log => Path.Combine(Directory, "dnsmasq.log");
}
