using System.Text;
using Hospes.Network.Addressing;

namespace Hospes.Network.Dhcp;

/// <summary>The text of a network's dnsmasq files. Pure: <see cref="Dnsmasq"/> writes them.</summary>
public static class DnsmasqConfig
{
    /// <summary>Static leases are renewed by guests every half lease; short enough that a changed reservation spreads.</summary>
    public const string LeaseTime = "1h";

    /// <exception cref="ArgumentException">When <see cref="DnsmasqSpec.Validate"/> finds problems; the message lists them all.</exception>
    public static string Render(DnsmasqSpec s)
    {
        IReadOnlyList<string> errors = s.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"dnsmasq for network {s.NetworkName}: {string.Join("; ", errors)}", nameof(s));
        }

        var p = new DnsmasqPaths(s.Directory, s.HostsDirectory);
        bool nat = s.Mode == NetworkMode.Nat;
        var c = new StringBuilder();
        c.Append($"# Hospes network {s.NetworkName} ({(nat ? "nat" : "isolated")}): written by hospesd, changes are overwritten\n");

        // Only the bridge: never the host's other interfaces, and never port 53 on the host's own addresses.
        c.Append($"interface={s.Bridge}\n");
        c.Append("bind-interfaces\n");
        c.Append("except-interface=lo\n");

        // Names: the guests' own, under the network's domain, never the host's /etc/hosts.
        c.Append("no-hosts\n");
        c.Append($"domain={s.NetworkName}\n");
        c.Append($"local=/{s.NetworkName}/\n");
        c.Append("domain-needed\n");
        c.Append(nat ? "# upstream DNS: the host's resolv.conf\n" : "no-resolv\n");

        // Static mode: only reserved MACs get an address.
        c.Append($"dhcp-range={s.Subnet.Network},static,{s.Subnet.Netmask},{LeaseTime}\n");
        c.Append(nat ? $"dhcp-option=option:router,{s.Subnet.Gateway}\n" : "dhcp-option=option:router\n");
        c.Append("dhcp-authoritative\n");

        // A guest may name itself in its DHCP request (wpad, another VM's name): dnsmasq knows only the names Hospes gave.
        c.Append("dhcp-ignore-names\n");
        c.Append($"dhcp-hostsfile={p.DhcpHosts}\n");
        c.Append($"addn-hosts={p.DnsHosts}\n");
        c.Append($"dhcp-leasefile={p.Leases}\n");
        c.Append($"pid-file={p.PidFile}\n");
        c.Append($"log-facility={p.Log}\n");
        if (s.User is not null)
        {
            c.Append($"user={s.User}\n");
        }

        return c.ToString();
    }

    /// <summary>The dhcp-hostsfile: "MAC,IP,NAME", or "MAC,IP" for a name that is not a DNS label.</summary>
    public static string RenderDhcpHosts(IReadOnlyList<DhcpHost> hosts)
    {
        var c = new StringBuilder();
        foreach (DhcpHost h in Sorted(hosts))
        {
            c.Append(h.Mac.ToLowerInvariant()).Append(',').Append(h.Ip);
            if (IsDnsLabel(h.Name))
            {
                c.Append(',').Append(h.Name);
            }

            c.Append('\n');
        }

        return c.ToString();
    }

    /// <summary>The addn-hosts file: "IP NAME.DOMAIN NAME" for every host whose name is a DNS label.</summary>
    public static string RenderDnsHosts(IReadOnlyList<DhcpHost> hosts, string domain)
    {
        var c = new StringBuilder();
        foreach (DhcpHost h in Sorted(hosts).Where(h => IsDnsLabel(h.Name)))
        {
            c.Append($"{h.Ip} {h.Name}.{domain} {h.Name}\n");
        }

        return c.ToString();
    }

    /// <summary>One DNS label (RFC 1123): 1 to 63 letters, digits and '-', not starting or ending with '-'.</summary>
    public static bool IsDnsLabel(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 63
        && name[0] != '-'
        && name[^1] != '-'
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-');

    public static bool IsMac(string mac)
    {
        string[] parts = mac.Split(':');
        return parts.Length == 6 && parts.All(x => x.Length == 2 && x.All(char.IsAsciiHexDigit));
    }

    // Sorted by address so the files do not change when the caller's order does.
    private static IEnumerable<DhcpHost> Sorted(IReadOnlyList<DhcpHost> hosts) =>
        hosts.OrderBy(h => Ipv4.TryToUInt(h.Ip, out uint a) ? a : 0);
}
