using System.Net;
using System.Text.Json;
using Hospes.Network.Addressing;

namespace Hospes.Network.Interfaces;

/// <summary>Reads the JSON of <c>ip -j</c>.</summary>
internal static class LinkJson
{
    /// <summary><c>ip -j -d link show</c>.</summary>
    public static IReadOnlyList<LinkInfo> ParseLinks(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(Empty(json));
        var links = new List<LinkInfo>();
        foreach (JsonElement l in doc.RootElement.EnumerateArray())
        {
            string? kind = l.TryGetProperty("linkinfo", out JsonElement info) ? Text(info, "info_kind") : null;
            bool up = l.TryGetProperty("flags", out JsonElement flags)
                && flags.EnumerateArray().Any(f => f.GetString() == "UP");
            links.Add(new LinkInfo(Text(l, "ifname") ?? "", kind, Text(l, "master"), Text(l, "ifalias"), up, Text(l, "address")));
        }

        return links;
    }

    /// <summary>
    /// <c>ip -j -4 route show table all</c>: every routed destination except the default route and the
    /// "local" table, whose host entries for the machine's own addresses are covered by <see cref="ParseAddressNetworks"/>.
    /// </summary>
    public static IEnumerable<(IPAddress Network, int Prefix)> ParseRoutes(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(Empty(json));
        var routes = new List<(IPAddress, int)>();
        foreach (JsonElement r in doc.RootElement.EnumerateArray())
        {
            string? dst = Text(r, "dst");
            if (dst is null || dst == "default" || Text(r, "table") == "local")
            {
                continue;
            }

            if (TryNetwork(dst, out IPAddress? network, out int prefix))
            {
                routes.Add((network, prefix));
            }
        }

        return routes;
    }

    /// <summary><c>ip -j -4 addr</c>: the network each IPv4 address sits in.</summary>
    public static IEnumerable<(IPAddress Network, int Prefix)> ParseAddressNetworks(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(Empty(json));
        var networks = new List<(IPAddress, int)>();
        foreach (JsonElement link in doc.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("addr_info", out JsonElement addrs))
            {
                continue;
            }

            foreach (JsonElement a in addrs.EnumerateArray())
            {
                if (Text(a, "family") == "inet"
                    && Text(a, "local") is { } local
                    && a.TryGetProperty("prefixlen", out JsonElement p)
                    && TryNetwork($"{local}/{p.GetInt32()}", out IPAddress? network, out int prefix))
                {
                    networks.Add((network, prefix));
                }
            }
        }

        return networks;
    }

    private static bool TryNetwork(string cidr, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? network, out int prefix)
    {
        network = null;
        prefix = 32;
        int slash = cidr.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? cidr : cidr[..slash];
        if ((slash >= 0 && !int.TryParse(cidr.AsSpan(slash + 1), out prefix)) || prefix is < 0 or > 32
            || !Ipv4.TryParseDotted(address, out uint a))
        {
            return false;
        }

        network = Ipv4.ToAddress(a & Ipv4.Mask(prefix));
        return true;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // ip prints nothing at all (not "[]") when a namespace has no routes.
    private static string Empty(string json) => string.IsNullOrWhiteSpace(json) ? "[]" : json;
}
