using System.Text;

namespace Hospes.Network.Firewall;

/// <summary>
/// The nftables table of one network, as text for <c>nft -f</c>. One table per network, so a network's
/// rules are replaced or removed as a whole and never touch another network's or the host's own rules.
/// </summary>
public static class NftRuleset
{
    /// <summary>The whole <c>table ip TABLE { ... }</c>.</summary>
    /// <exception cref="ArgumentException">When <see cref="NftNetwork.Validate"/> finds problems; the message lists them all.</exception>
    public static string Render(NftNetwork n)
    {
        IReadOnlyList<string> errors = n.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"network table {n.Table}: {string.Join("; ", errors)}", nameof(n));
        }

        string br = $"\"{n.Bridge}\"";
        string net = n.Subnet.ToString();
        bool nat = n.Mode == NetworkMode.Nat;
        var t = new StringBuilder();
        t.Append("table ip ").Append(n.Table).Append(" {\n");
        t.Append($"\t# Hospes network on bridge {n.Bridge}, subnet {net}, mode {(nat ? "nat" : "isolated")}\n");

        // Port forwards match any local destination address: from outside (prerouting) and from the host itself (output).
        Chain(t, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", ForwardRules(n));
        t.Append('\n');
        Chain(t, "output", "type nat hook output priority -100; policy accept;", ForwardRules(n));
        t.Append('\n');

        var post = new List<string>
        {
            // A forward reached at 127.0.0.1 leaves with a loopback source, which the guest could not answer.
            $"ip saddr 127.0.0.0/8 oifname {br} masquerade",

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

        var input = new List<string>
        {
            $"iifname {br} ct state established,related accept",

            // route_localnet (needed for forwards reached at 127.0.0.1) would otherwise let guests reach the host's loopback services.
            $"iifname {br} ip daddr 127.0.0.0/8 drop",
        };
        if (!nat)
        {
            input.Add($"iifname {br} ip daddr {{ {n.Subnet.Gateway}, {n.Subnet.Broadcast}, 255.255.255.255 }} accept");
            input.Add($"iifname {br} drop");
        }

        Chain(t, "input", "type filter hook input priority filter; policy accept;", input);
        t.Append("}\n");
        return t.ToString();
    }

    private static List<string> ForwardRules(NftNetwork n) =>
        n.Forwards
            .OrderBy(f => f.Protocol, StringComparer.Ordinal)
            .ThenBy(f => f.HostPort)
            .Select(f => $"fib daddr type local {f.Protocol} dport {f.HostPort} dnat to {f.GuestIp}:{f.GuestPort}")
            .ToList();

    private static void Chain(StringBuilder t, string name, string hook, IEnumerable<string> rules)
    {
        t.Append("\tchain ").Append(name).Append(" {\n");
        t.Append("\t\t").Append(hook).Append('\n');
        foreach (string r in rules)
        {
            t.Append("\t\t").Append(r).Append('\n');
        }

        t.Append("\t}\n");
    }
}
