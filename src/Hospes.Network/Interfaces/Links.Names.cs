using System.Globalization;
using System.Security.Cryptography;

namespace Hospes.Network.Interfaces;

/// <summary>The naming rules of links, and the keys of their settings.</summary>
public sealed partial class Links
{
    /// <summary>IFNAMSIZ is 16 bytes with the terminating NUL.</summary>
    public const int MaxNameLength = 15;

    /// <summary>
    /// The key of an IPv4 per-interface setting, e.g. <c>InterfaceSysctl("hb-net1", "route_localnet")</c>.
    /// Written with '/' separators, in which sysctl takes dots as part of the name ("eth0.100").
    /// </summary>
    public static string InterfaceSysctl(string link, string setting) => $"net/ipv4/conf/{link}/{setting}";

    /// <summary>
    /// Null when <paramref name="name"/> can be an interface name, or what is wrong with it. Linux's rules
    /// (1 to 15 bytes, no '/', ':' or whitespace, not "." or "..") narrowed to letters, digits, '-', '_' and '.',
    /// because ip reads '%' as a template, nft reads a trailing '*' as a wildcard and '"' would end a quoted
    /// name; "all" and "default" are taken by sysctl's net.ipv4.conf.
    /// </summary>
    public static string? ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the interface name is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"interface name '{name}' is {name.Length} characters long; Linux allows at most {MaxNameLength}";
        }

        if (name is "." or "..")
        {
            return $"'{name}' cannot be an interface name";
        }

        if (name is "all" or "default")
        {
            return $"'{name}' cannot be an interface name: net.ipv4.conf.{name} is a sysctl of its own";
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                string shown = char.IsWhiteSpace(c) ? "whitespace" : $"'{c}'";
                return $"interface name '{name}' contains {shown}; use letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }

    private static void ThrowIfInvalid(string name)
    {
        if (ValidateName(name) is { } error)
        {
            throw new ArgumentException(error, nameof(name));
        }
    }

    /// <summary>A unicast, locally administered MAC (second-lowest bit of the first byte set, lowest clear).</summary>
    /// <summary>fe:xx:xx:xx:xx:xx, random below: locally administered, unicast, above any real NIC's MAC.</summary>
    internal static string TapMac()
    {
        byte[] b = RandomNumberGenerator.GetBytes(6);
        b[0] = 0xfe;
        return string.Join(':', b.Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
    }

    internal static string RandomLocalMac()
    {
        byte[] b = RandomNumberGenerator.GetBytes(6);
        b[0] = (byte)((b[0] & 0xfc) | 0x02);
        return string.Join(':', b.Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
