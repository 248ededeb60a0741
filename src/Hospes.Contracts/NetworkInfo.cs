namespace Hospes.Contracts;

/// <summary>A Hospes network: a bridge, a DHCP/DNS server and firewall rules on this host.</summary>
public sealed record NetworkInfo
{
    public required string Name { get; init; }

    /// <summary>The project it belongs to.</summary>
    public string Project { get; init; } = "default";
    public required string Bridge { get; init; }
    public required string Subnet { get; init; }
    public required string Gateway { get; init; }

    /// <summary>nat or isolated.</summary>
    public required string Mode { get; init; }

    /// <summary>Its bridge, DHCP server and rules are in place (a network is brought up when made and when a VM on it starts).</summary>
    public bool Active { get; init; }
    public int? DnsmasqPid { get; init; }

    /// <summary>VMs with an interface on it, as "NAME (IP)".</summary>
    public IReadOnlyList<string> Vms { get; init; } = [];
    public IReadOnlyList<PortForwardInfo> PortForwards { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}
