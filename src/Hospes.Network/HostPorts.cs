using System.Globalization;

namespace Hospes.Network;

/// <summary>The ports programs of this network namespace hold, from /proc/net, and the range the kernel hands out.</summary>
internal static class HostPorts
{
    /// <summary>Linux's default ip_local_port_range, for when the file cannot be read.</summary>
    public static readonly (int Low, int High) DefaultEphemeralRange = (32768, 60999);

    /// <summary>
    /// The ports the kernel picks for outgoing connections and for programs that ask for any port (QEMU's migration
    /// listeners among them): net.ipv4.ip_local_port_range of this network namespace.
    /// </summary>
    public static (int Low, int High) EphemeralRange(string file = "/proc/sys/net/ipv4/ip_local_port_range")
    {
        try
        {
            string[] f = File.ReadAllText(file).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2
                && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int low)
                && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int high)
                && low <= high)
            {
                return (low, high);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return DefaultEphemeralRange;
    }

    /// <summary>Is a socket listening on the port (TCP) or bound to it (UDP) in this network namespace?</summary>
    public static bool InUse(string protocol, int port, string procNet = "/proc/net")
    {
        string[] files = protocol == "tcp" ? ["tcp", "tcp6"] : ["udp", "udp6"];
        foreach (string file in files.Select(f => Path.Combine(procNet, f)).Where(File.Exists))
        {
            foreach (string line in File.ReadLines(file).Skip(1))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 4)
                {
                    continue;
                }

                string local = f[1];
                int localPort = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                bool bound = protocol == "udp" || f[3] == "0A";
                if (bound && localPort == port)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
