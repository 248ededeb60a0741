using System.Net;

namespace Hospes.Network.Firewall;

/// <summary>Connections to any of the host's addresses on <paramref name="HostPort"/> go to GUEST-IP:GUEST-PORT.</summary>
/// <param name="Protocol">"tcp" or "udp".</param>
public sealed record PortForward(string Protocol, int HostPort, IPAddress GuestIp, int GuestPort);
