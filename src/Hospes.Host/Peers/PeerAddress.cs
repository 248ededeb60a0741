using System.Globalization;
using System.Net;
using Hospes.Core.Errors;

namespace Hospes.Host.Peers;

/// <summary>HOST:PORT of another host's hospesd: an IP literal (IPv6 in brackets) or a DNS name, and a port.</summary>
internal static class PeerAddress
{
    public static Result<string> Parse(string address)
    {
        address = address.Trim();
        int colon = address.LastIndexOf(':');
        string host = colon > 0 ? address[..colon] : "";
        bool portOk = colon > 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535;
        bool hostOk = host.StartsWith('[') && host.EndsWith(']')
            ? IPAddress.TryParse(host[1..^1], out IPAddress? v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : Uri.CheckHostName(host) is UriHostNameType.IPv4 or UriHostNameType.Dns;
        return portOk && hostOk
            ? address
            : HospesError.Invalid($"address '{address}': expected HOST:PORT where the other hospesd listens (its --listen), e.g. 10.0.0.2:8443, [2001:db8::2]:8443 or host-b.example:8443");
    }

    /// <summary>A wildcard listen address (0.0.0.0, ::) says only the port; the host is where the caller came from.</summary>
    public static string? Resolve(string? address, IPAddress? remote)
    {
        if (address is null || !IPEndPoint.TryParse(address, out IPEndPoint? endpoint) || remote is null
            || !(endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any)))
        {
            return address;
        }

        return new IPEndPoint(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote, endpoint.Port).ToString();
    }
}
