using System.Globalization;

namespace Hospes.Network;

/// <summary>The ports programs of this network namespace hold, from /proc/net.</summary>
internal static class HostPorts
{
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
