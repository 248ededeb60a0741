using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hospes.Network.Firewall;

/// <summary>
/// hospesd's table of incoming migrations' ports, as text for <c>nft -f</c>: for each, a packet to its listen address
/// and ports from any address but the source host's is dropped. One table (<c>inet</c>: IPv4 and IPv6), rewritten as a
/// whole in one transaction at every change, gone when no migration waits; it only ever drops, so it never opens what
/// another firewall of the host closes.
/// </summary>
public static class NftMigrationRules
{
    public const string Table = "hospes-migrations";

    /// <summary>Replaces the table by one for <paramref name="openings"/>; none: the table is removed.</summary>
    public static string Script(IReadOnlyCollection<MigrationOpening> openings)
    {
        var t = new StringBuilder($"table inet {Table} {{}}\ndelete table inet {Table}\n");
        if (openings.Count == 0)
        {
            return t.ToString();
        }

        t.Append("table inet ").Append(Table).Append(" {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n");
        foreach (MigrationOpening o in openings)
        {
            if (o.Ports.Count == 0 || o.Ports.Any(p => p is < 1 or > 65535) || o.Listen.AddressFamily != o.Source.AddressFamily)
            {
                throw new ArgumentException($"incoming migration {o.Id}: ports {string.Join(", ", o.Ports)} on {o.Listen} from {o.Source} cannot be limited", nameof(openings));
            }

            string family = o.Listen.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip";
            t.Append($"\t\t# incoming migration {o.Id}: only {o.Source} may reach its ports\n");
            t.Append($"\t\t{family} daddr {o.Listen} tcp dport {{ {string.Join(", ", o.Ports)} }} {family} saddr != {o.Source} drop\n");
        }

        return t.Append("\t}\n}\n").ToString();
    }

    /// <summary>An address as a peer connection gives it: an IPv4 address mapped into IPv6 is the IPv4 one.</summary>
    public static IPAddress Plain(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
