using System.Net;

namespace Hospes.Network.Dhcp;

/// <summary>A reserved address: the guest NIC with <paramref name="Mac"/> always gets <paramref name="Ip"/>.</summary>
/// <param name="Mac">Colon-separated, e.g. "52:54:00:12:34:56".</param>
/// <param name="Name">
/// The guest's DNS name in the network's domain. Used only when it is a single DNS label (letters, digits,
/// '-'); otherwise the guest still gets its address, but no name.
/// </param>
public sealed record DhcpHost(string Mac, IPAddress Ip, string Name);
