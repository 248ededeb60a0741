namespace Hospes.Contracts;

/// <summary>Traffic to a port of the host's own addresses goes to a port of a VM's interface.</summary>
public sealed record PortForwardInfo
{
    public required string Vm { get; init; }

    /// <summary>tcp or udp.</summary>
    public required string Protocol { get; init; }
    public int HostPort { get; init; }
    public int GuestPort { get; init; }
    public required string GuestIp { get; init; }
    public required string Network { get; init; }
}
