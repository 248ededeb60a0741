namespace Hospes.Storage.CloudInit;

/// <summary>A fixed IPv4 or IPv6 address for the guest's first ethernet NIC, instead of DHCP.</summary>
/// <param name="Address">The address with its prefix length, e.g. 192.0.2.10/24.</param>
public sealed record NoCloudStaticNetwork(string Address, string? Gateway = null)
{
    public IReadOnlyList<string> Nameservers { get; init; } = [];
}
