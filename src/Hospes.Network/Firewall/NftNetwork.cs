using Hospes.Network.Addressing;
using Hospes.Network.Interfaces;

namespace Hospes.Network.Firewall;

/// <summary>Everything the nftables tables of one network are made from.</summary>
/// <param name="Table">The tables' name in the ip and bridge families, e.g. "hospes-net1": letters, digits, '-' and '_'.</param>
public sealed record NftNetwork(string Table, string Bridge, Ipv4Subnet Subnet, NetworkMode Mode, IReadOnlyList<PortForward> Forwards)
{
    public const int MaxTableNameLength = 64;

    /// <summary>The guests' taps on the bridge: each may send only with its own MAC and address.</summary>
    public IReadOnlyList<NftGuest> Guests { get; init; } = [];

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

        var taps = new HashSet<string>(StringComparer.Ordinal);
        foreach (NftGuest g in Guests)
        {
            string what = $"guest port {g.Tap} ({g.Mac}, {g.Ip})";
            if (Links.ValidateName(g.Tap) is { } tapError)
            {
                errors.Add($"{what}: {tapError}");
            }
            else if (!taps.Add(g.Tap))
            {
                errors.Add($"{what}: tap {g.Tap} appears twice");
            }

            if (!IsMac(g.Mac))
            {
                errors.Add($"{what}: '{g.Mac}' is not a MAC address (aa:bb:cc:dd:ee:ff)");
            }

            if (!Subnet.IsUsableHost(g.Ip))
            {
                errors.Add($"{what}: {g.Ip} is not a guest address of {Subnet}");
            }
        }

        return errors;
    }

    private static bool IsMac(string mac)
    {
        string[] parts = mac.Split(':');
        return parts.Length == 6 && parts.All(x => x.Length == 2 && x.All(char.IsAsciiHexDigit));
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
