using Hospes.Network.Addressing;
using Hospes.Network.Interfaces;

namespace Hospes.Network.Dhcp;

/// <summary>Everything one network's dnsmasq is made from.</summary>
/// <param name="NetworkName">Also the DNS domain of the guests: "web1" in network "lab" is "web1.lab".</param>
/// <param name="Directory">
/// An absolute folder owned by this dnsmasq: its config, hosts files, leases, pid file and log. dnsmasq drops
/// its privileges to user nobody and re-reads the hosts files as nobody, so every folder above this one must
/// be searchable by others (o+x); <see cref="Dnsmasq.StartAsync"/> checks this (unless <see cref="User"/> is root).
/// </param>
public sealed record DnsmasqSpec(string NetworkName, string Bridge, Ipv4Subnet Subnet, NetworkMode Mode, string Directory, IReadOnlyList<DhcpHost> Hosts)
{
    /// <summary>
    /// The user dnsmasq drops to after binding its sockets; null keeps dnsmasq's default, nobody. "root" keeps
    /// all privileges, for a directory below folders others cannot search, at the cost of a root daemon that
    /// parses packets from guests.
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// An absolute folder for the two hosts files alone (dnsmasq re-reads them as nobody): every folder above it must be
    /// searchable by others, while <see cref="Directory"/> (config, leases, pid file, log: read or opened as root) is
    /// made 0700. Null keeps the hosts files in <see cref="Directory"/>, and every folder above that must be searchable.
    /// </summary>
    public string? HostsDirectory { get; init; }

    /// <summary>Every problem with the spec at once; empty when it can be rendered.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!DnsmasqConfig.IsDnsLabel(NetworkName))
        {
            errors.Add($"network name '{NetworkName}' cannot be a DNS domain: use letters, digits and '-' (at most 63, not starting or ending with '-')");
        }

        if (Links.ValidateName(Bridge) is { } bridgeError)
        {
            errors.Add($"bridge: {bridgeError}");
        }

        if (!Path.IsPathFullyQualified(Directory))
        {
            errors.Add($"dnsmasq directory '{Directory}' is not an absolute path");
        }
        else if (Directory.Any(c => char.IsWhiteSpace(c) || c is ',' or '#'))
        {
            errors.Add($"dnsmasq directory '{Directory}' contains whitespace, ',' or '#', which dnsmasq's config cannot hold");
        }

        if (HostsDirectory is not null && (!Path.IsPathFullyQualified(HostsDirectory) || HostsDirectory.Any(c => char.IsWhiteSpace(c) || c is ',' or '#')))
        {
            errors.Add($"dnsmasq hosts directory '{HostsDirectory}' is not an absolute path without whitespace, ',' or '#'");
        }

        if (User is not null && (User.Length == 0 || !User.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            errors.Add($"dnsmasq user '{User}' is not a user name");
        }

        var macs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ips = new HashSet<System.Net.IPAddress>();
        foreach (DhcpHost h in Hosts)
        {
            if (!DnsmasqConfig.IsMac(h.Mac))
            {
                errors.Add($"host '{h.Name}': '{h.Mac}' is not a MAC address like 52:54:00:12:34:56");
            }
            else if (!macs.Add(h.Mac))
            {
                errors.Add($"host '{h.Name}': MAC {h.Mac} is reserved twice");
            }

            if (!Subnet.IsUsableHost(h.Ip))
            {
                errors.Add($"host '{h.Name}': {h.Ip} is not a guest address of {Subnet}");
            }
            else if (!ips.Add(h.Ip))
            {
                errors.Add($"host '{h.Name}': address {h.Ip} is reserved twice");
            }
        }

        return errors;
    }
}
