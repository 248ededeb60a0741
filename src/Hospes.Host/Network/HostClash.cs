using System.Net;
using Hospes.Core.Errors;
using Hospes.Network;
using Hospes.Network.Addressing;
using Hospes.Network.Tools;

namespace Hospes.Host.Network;

/// <summary>A new network must not take a name or a subnet the host already uses.</summary>
internal static class HostClash
{
    /// <summary>A bridge name the host already uses, or a subnet the host already routes; null when neither.</summary>
    public static async Task<HospesError?> CheckAsync(INetworkHost host, string bridge, Ipv4Subnet subnet, CancellationToken ct)
    {
        try
        {
            if ((await host.ListLinksAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.Name == bridge) is { } link)
            {
                return HospesError.Conflict($"the host already has an interface named '{bridge}'{(link.Alias?.StartsWith("hospes:", StringComparison.Ordinal) == true ? " (another hospesd's)" : "")}; choose another bridge name with --bridge");
            }

            foreach ((IPAddress network, int prefix) in await host.Ipv4NetworksInUseAsync(ct).ConfigureAwait(false))
            {
                if (subnet.Overlaps(network, prefix))
                {
                    return HospesError.Conflict($"subnet {subnet} overlaps {network}/{prefix}, which this host already routes; choose a subnet outside it");
                }
            }

            return null;
        }
        catch (NetToolException e)
        {
            return HospesError.Unavailable($"cannot check the host's interfaces: {e.Message}");
        }
    }
}
