using System.Net;

namespace Hospes.Network.Dhcp;

/// <summary>
/// dnsmasq's lease file, one "EXPIRY MAC IP NAME CLIENT-ID" per line. dnsmasq refuses a reserved address while
/// another MAC holds a lease on it ("not using configured address ... because it is leased to ..."), until that
/// lease expires; SIGHUP does not drop such leases. So when an address moves to another guest, dnsmasq is
/// restarted with the leases that no longer match a reservation removed.
/// </summary>
internal static class DnsmasqLeases
{
    /// <summary>True when some lease holds an address that is now reserved for another MAC.</summary>
    public static bool HasConflicts(string leases, IReadOnlyList<DhcpHost> hosts)
    {
        Dictionary<IPAddress, string> macByIp = hosts.ToDictionary(h => h.Ip, h => h.Mac.ToLowerInvariant());
        return Parse(leases).Any(l => macByIp.TryGetValue(l.Ip, out string? mac) && mac != l.Mac);
    }

    /// <summary>The lines whose MAC still has a reservation for the same address.</summary>
    public static string KeepMatching(string leases, IReadOnlyList<DhcpHost> hosts)
    {
        var reserved = hosts.Select(h => (h.Mac.ToLowerInvariant(), h.Ip)).ToHashSet();
        return string.Concat(Parse(leases).Where(l => reserved.Contains((l.Mac, l.Ip))).Select(l => l.Line + "\n"));
    }

    private static IEnumerable<(string Mac, IPAddress Ip, string Line)> Parse(string leases)
    {
        foreach (string line in leases.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ');
            if (f.Length >= 3 && IPAddress.TryParse(f[2], out IPAddress? ip))
            {
                yield return (f[1].ToLowerInvariant(), ip, line);
            }
        }
    }
}
