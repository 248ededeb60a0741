using Hospes.Network.Addressing;
using Hospes.Network.Interfaces;

namespace Hospes.Network.Firewall;

/// <summary>Everything the nftables table of one network is made from.</summary>
/// <param name="Table">The table's name in the ip family, e.g. "hospes-net1": letters, digits, '-' and '_'.</param>
public sealed record NftNetwork(string Table, string Bridge, Ipv4Subnet Subnet, NetworkMode Mode, IReadOnlyList<PortForward> Forwards)
{
    public const int MaxTableNameLength = 64;

    /// <summary>Every problem with this network's firewall inputs at once; empty when it can be rendered.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ValidateTableName(Table) is { } tableError)
        {
            errors.Add(tableError);
        }

        if (Links.ValidateName(Bridge) is { } bridgeError)
        {
            errors.Add($"bridge: {bridgeError}");
        }

        var seen = new HashSet<(string, int)>();
        foreach (PortForward f in Forwards)
        {
            string what = $"port forward {f.Protocol}/{f.HostPort} -> {f.GuestIp}:{f.GuestPort}";
            if (f.Protocol is not ("tcp" or "udp"))
            {
                errors.Add($"{what}: protocol must be tcp or udp");
            }

            if (f.HostPort is < 1 or > 65535 || f.GuestPort is < 1 or > 65535)
            {
                errors.Add($"{what}: ports must be 1 to 65535");
            }

            if (!Subnet.IsUsableHost(f.GuestIp))
            {
                errors.Add($"{what}: {f.GuestIp} is not a guest address of {Subnet}");
            }

            if (!seen.Add((f.Protocol, f.HostPort)))
            {
                errors.Add($"{what}: {f.Protocol} port {f.HostPort} is forwarded twice");
            }
        }

        return errors;
    }

    /// <summary>Null when <paramref name="table"/> can name an nftables table, or what is wrong with it.</summary>
    public static string? ValidateTableName(string table)
    {
        if (string.IsNullOrEmpty(table))
        {
            return "the nftables table name is empty";
        }

        if (table.Length > MaxTableNameLength)
        {
            return $"nftables table name '{table}' is longer than {MaxTableNameLength} characters";
        }

        // nft's scanner takes an unquoted identifier starting with a letter, then letters, digits, '-', '_'.
        if (!char.IsAsciiLetter(table[0]) || !table.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return $"nftables table name '{table}' must start with a letter and hold only letters, digits, '-' and '_'";
        }

        return null;
    }
}
