using System.Net;
using Hospes.Network.Addressing;

namespace Hospes.Host.Network;

/// <summary>Where the default network goes on a new host.</summary>
internal static class DefaultSubnet
{
    /// <summary>The first 10.254.N.0/24 that neither the host routes nor another network uses; null when all 256 are taken.</summary>
    public static Ipv4Subnet? Choose(IReadOnlyList<(IPAddress Network, int Prefix)> routed, IReadOnlyList<Ipv4Subnet> networks)
    {
        for (int i = 0; i < 256; i++)
        {
            Ipv4Subnet candidate = Ipv4Subnet.Parse($"10.254.{i}.0/24");
            if (!routed.Any(r => candidate.Overlaps(r.Network, r.Prefix)) && !networks.Any(n => n.Overlaps(candidate)))
            {
                return candidate;
            }
        }

        return null;
    }
}
