using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hospes.Network.Addressing;

/// <summary>IPv4 addresses as host-order integers.</summary>
internal static class Ipv4
{
    public static uint Mask(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);

    public static bool TryToUInt(IPAddress address, out uint value)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            value = 0;
            return false;
        }

        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        return true;
    }

    public static IPAddress ToAddress(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    public static string Format(uint value) => ToAddress(value).ToString();

    /// <summary>Strict a.b.c.d: IPAddress.TryParse also takes "10.1" and "0x0a.1.1.1", which nobody means in a config.</summary>
    public static bool TryParseDotted(string text, out uint value)
    {
        value = 0;
        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0'))
            {
                return false;
            }

            int octet = int.Parse(p, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            value = value << 8 | (uint)octet;
        }

        return true;
    }
}
