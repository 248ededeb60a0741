using System.Globalization;
using System.Net;

namespace Hospes.Network.Addressing;

/// <summary>
/// An IPv4 network a Hospes network can use: a network address and a prefix of 8 to 30, so there is room
/// for a gateway (the first host) and at least one guest.
/// </summary>
public readonly record struct Ipv4Subnet
{
    public const int MinPrefixLength = 8;
    public const int MaxPrefixLength = 30;

    private readonly uint _network;

    private Ipv4Subnet(uint network, int prefixLength)
    {
        _network = network;
        PrefixLength = prefixLength;
    }

    public int PrefixLength { get; }

    public IPAddress Network => Ipv4.ToAddress(_network);

    /// <summary>The first host address: the bridge's own address, which guests use as router and DNS server.</summary>
    public IPAddress Gateway => Ipv4.ToAddress(_network + 1);

    public IPAddress Broadcast => Ipv4.ToAddress(_network | ~Mask);

    public IPAddress Netmask => Ipv4.ToAddress(Mask);

    private uint Mask => Ipv4.Mask(PrefixLength);

    /// <summary>Parses "10.165.1.0/24"; every other form is refused with a reason.</summary>
    public static bool TryParse(string? cidr, out Ipv4Subnet subnet, out string? error)
    {
        subnet = default;
        error = ParseCore(cidr?.Trim(), out subnet);
        return error is null;
    }

    /// <summary>Like <see cref="TryParse"/>, for literals known to be valid.</summary>
    public static Ipv4Subnet Parse(string cidr) =>
        TryParse(cidr, out Ipv4Subnet subnet, out string? error) ? subnet : throw new FormatException(error);

    public bool Contains(IPAddress address) =>
        Ipv4.TryToUInt(address, out uint a) && (a & Mask) == _network;

    public bool Overlaps(Ipv4Subnet other) => Overlaps(other._network, other.PrefixLength);

    /// <summary>Whether this subnet shares any address with NETWORK/PREFIX (any prefix 0..32, e.g. a host route).</summary>
    public bool Overlaps(IPAddress network, int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        return Ipv4.TryToUInt(network, out uint n) && Overlaps(n, prefixLength);
    }

    /// <summary>Inside the subnet and neither the network, the broadcast nor the gateway address.</summary>
    public bool IsUsableHost(IPAddress address) =>
        Ipv4.TryToUInt(address, out uint a)
        && (a & Mask) == _network
        && a != _network
        && a != (_network | ~Mask)
        && a != _network + 1;

    /// <summary>The lowest usable host address not in <paramref name="taken"/>, or null when the subnet is full.</summary>
    public IPAddress? FirstFree(IEnumerable<IPAddress> taken)
    {
        var used = new HashSet<uint>();
        foreach (IPAddress t in taken)
        {
            if (Ipv4.TryToUInt(t, out uint a))
            {
                used.Add(a);
            }
        }

        // Stops after at most used.Count + 1 candidates, so a /8 costs nothing.
        uint last = (_network | ~Mask) - 1;
        for (uint a = _network + 2; a <= last; a++)
        {
            if (!used.Contains(a))
            {
                return Ipv4.ToAddress(a);
            }
        }

        return null;
    }

    public override string ToString() => $"{Ipv4.Format(_network)}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    private bool Overlaps(uint otherNetwork, int otherPrefix)
    {
        uint mask = Ipv4.Mask(Math.Min(PrefixLength, otherPrefix));
        return (_network & mask) == (otherNetwork & mask);
    }

    private static string? ParseCore(string? cidr, out Ipv4Subnet subnet)
    {
        subnet = default;
        const string Example = "write it as NETWORK/PREFIX, e.g. 10.165.1.0/24";
        if (string.IsNullOrEmpty(cidr))
        {
            return $"the subnet is empty; {Example}";
        }

        int slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return $"subnet '{cidr}' has no prefix length; {Example}";
        }

        string addressText = cidr[..slash];
        string prefixText = cidr[(slash + 1)..];
        if (!Ipv4.TryParseDotted(addressText, out uint address))
        {
            return addressText.Contains(':', StringComparison.Ordinal)
                ? $"subnet '{cidr}' is IPv6; Hospes networks are IPv4 ({Example})"
                : $"subnet '{cidr}': '{addressText}' is not an IPv4 address in dotted form (a.b.c.d); {Example}";
        }

        if (prefixText.Length is 0 or > 2 || !prefixText.All(char.IsAsciiDigit))
        {
            return $"subnet '{cidr}': '{prefixText}' is not a prefix length; {Example}";
        }

        int prefix = int.Parse(prefixText, CultureInfo.InvariantCulture);
        if (prefix > 32)
        {
            return $"subnet '{cidr}': an IPv4 prefix length is at most 32";
        }

        if (prefix < MinPrefixLength)
        {
            return $"subnet '{cidr}': /{prefix} is larger than any network needs and would hide other routes; use a prefix of {MinPrefixLength} to {MaxPrefixLength}";
        }

        if (prefix > MaxPrefixLength)
        {
            return $"subnet '{cidr}': /{prefix} leaves no address for a guest next to the gateway; use a prefix of {MinPrefixLength} to {MaxPrefixLength}";
        }

        uint network = address & Ipv4.Mask(prefix);
        if (network != address)
        {
            return $"subnet '{cidr}' has host bits set; did you mean {Ipv4.Format(network)}/{prefix}?";
        }

        subnet = new Ipv4Subnet(network, prefix);
        return null;
    }
}
