using System.Text;

namespace Hospes.Network.Firewall;

/// <summary>
/// The nftables tables of one network, as text for <c>nft -f</c>: <c>table ip</c> (NAT, isolation, what guests may ask
/// of the host, port forwards) and <c>table bridge</c> (each guest's tap sends only with its own MAC and address). One
/// pair per network, so a network's rules are replaced or removed as a whole and never touch another network's or the
/// host's own rules.
/// </summary>
public static class NftRuleset
{
    /// <summary>The ethertypes a guest may send: IPv4, ARP, and RARP (QEMU announces a migrated guest with it).</summary>
    private const string GuestEtherTypes = "{ ip, arp, 0x8035 }";

    /// <summary>Both tables: <c>table ip TABLE { ... }</c> then <c>table bridge TABLE { ... }</c>.</summary>
    /// <exception cref="ArgumentException">When <see cref="NftNetwork.Validate"/> finds problems; the message lists them all.</exception>
    public static string Render(NftNetwork n)
    {
        IReadOnlyList<string> errors = n.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"network table {n.Table}: {string.Join("; ", errors)}", nameof(n));
        }

        return RenderIp(n) + "\n" + RenderBridge(n);
    }

    private static string RenderIp(NftNetwork n)
    {
        string br = $"\"{n.Bridge}\"";
        string net = n.Subnet.ToString();
        string gw = n.Subnet.Gateway.ToString();
        bool nat = n.Mode == NetworkMode.Nat;
        var t = new StringBuilder();
        t.Append("table ip ").Append(n.Table).Append(" {\n");
        t.Append($"\t# Hospes network on bridge {n.Bridge}, subnet {net}, mode {(nat ? "nat" : "isolated")}\n");

        // Port forwards take what arrives for one of the host's addresses from elsewhere (a guest included), never the
        // host's own connections: a local client of a service on that port must reach that service, not a guest.
        Chain(t, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", ForwardRules(n));
        t.Append('\n');

        var post = new List<string>
        {
            // Hairpin: a guest reaching another guest through a forward must get the answer back through the host.
            $"ct status dnat oifname {br} ip saddr {net} masquerade",
        };
        if (nat)
        {
            post.Add($"ip saddr {net} ip daddr != {net} masquerade");
        }

        Chain(t, "postrouting", "type nat hook postrouting priority srcnat; policy accept;", post);
        t.Append('\n');

        var forward = new List<string>
        {
            // Guest to guest is bridged, but with br_netfilter loaded it passes this hook too.
            $"iifname {br} oifname {br} accept",
            $"oifname {br} ct status dnat accept",
            $"iifname {br} ct status dnat accept",
        };
        if (nat)
        {
            forward.Add($"iifname {br} ip saddr {net} accept");
            forward.Add($"oifname {br} ct state established,related accept");
        }

        forward.Add($"iifname {br} drop");
        forward.Add($"oifname {br} drop");
        Chain(t, "forward", "type filter hook forward priority filter; policy accept;", forward);
        t.Append('\n');

        // Guests ask the host for DHCP (from 0.0.0.0, to the broadcast address) and DNS on their gateway, and may ping
        // it; no other service of the host, on any of its addresses, answers them (what an admin forwards is DNATed in
        // prerouting and never gets here).
        string[] input =
        [
            $"iifname {br} ct state established,related accept",
            $"iifname {br} udp dport 67 accept",
            $"iifname {br} ip daddr {gw} udp dport 53 accept",
            $"iifname {br} ip daddr {gw} tcp dport 53 accept",
            $"iifname {br} ip daddr {gw} icmp type echo-request accept",
            $"iifname {br} drop",
        ];
        Chain(t, "input", "type filter hook input priority filter; policy accept;", input);
        t.Append("}\n");
        return t.ToString();
    }

    /// <summary>A chain per guest tap, jumped to by the tap's name: a tap that is not there matches nothing.</summary>
    private static string RenderBridge(NftNetwork n)
    {
        List<NftGuest> guests = [.. n.Guests.OrderBy(g => g.Tap, StringComparer.Ordinal)];
        var t = new StringBuilder();
        t.Append("table bridge ").Append(n.Table).Append(" {\n");
        t.Append($"\t# Hospes network on bridge {n.Bridge}: each guest's tap sends only with its own MAC and address\n");
        Chain(t, "prerouting", "type filter hook prerouting priority filter; policy accept;", guests.Select((g, i) => $"iifname \"{g.Tap}\" jump guest_{i}"));
        for (int i = 0; i < guests.Count; i++)
        {
            NftGuest g = guests[i];
            string mac = g.Mac.ToLowerInvariant();
            t.Append('\n');
            Chain(t, $"guest_{i}", null,
            [
                $"ether saddr != {mac} drop",
                $"ether type != {GuestEtherTypes} drop",
                "arp hlen != 6 drop",
                "arp plen != 4 drop",
                $"arp saddr ether != {mac} drop",

                // 0.0.0.0: an ARP probe (RFC 5227) claims no address.
                $"arp saddr ip != {{ 0.0.0.0, {g.Ip} }} drop",

                // A DHCP client has no address yet.
                "ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept",
                $"ip saddr != {g.Ip} drop",
            ]);
        }

        t.Append("}\n");
        return t.ToString();
    }

    private static List<string> ForwardRules(NftNetwork n) =>
        n.Forwards
            .OrderBy(f => f.Protocol, StringComparer.Ordinal)
            .ThenBy(f => f.HostPort)
            .Select(f => $"fib saddr type != local fib daddr type local {f.Protocol} dport {f.HostPort} dnat to {f.GuestIp}:{f.GuestPort}")
            .ToList();

    private static void Chain(StringBuilder t, string name, string? hook, IEnumerable<string> rules)
    {
        t.Append("\tchain ").Append(name).Append(" {\n");
        if (hook is not null)
        {
            t.Append("\t\t").Append(hook).Append('\n');
        }

        foreach (string r in rules)
        {
            t.Append("\t\t").Append(r).Append('\n');
        }

        t.Append("\t}\n");
    }
}
