using System.Globalization;

namespace Hospes.Config.Reading.Vifs;

internal static class MacAddress
{
    /// <summary>Normalizes "AA:00:00:03:B2:2E" to "aa:00:00:03:b2:2e"; returns what is wrong, or null.</summary>
    public static string? TryNormalize(string text, out string normalized)
    {
        normalized = "";
        string[] octets = text.Trim().Split(':');
        if (octets.Length != 6 || octets.Any(o => o.Length is < 1 or > 2 || !o.All(char.IsAsciiHexDigit)))
        {
            return "is not a MAC address; write six hex octets, e.g. mac=00:16:3e:12:34:56";
        }

        byte[] bytes = [.. octets.Select(o => byte.Parse(o, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))];
        normalized = string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        if ((bytes[0] & 1) != 0)
        {
            return "is a multicast address (the lowest bit of the first octet is set); a NIC needs a unicast one, e.g. 00:16:3e:12:34:56";
        }

        if (bytes.All(b => b == 0))
        {
            return "is all zeros; give a real address or leave mac out to get one assigned";
        }

        return null;
    }
}
