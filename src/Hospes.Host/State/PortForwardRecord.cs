namespace Hospes.Host.State;

/// <summary>A row of `port_forwards`: a host port that leads to a port of a VM's interface.</summary>
internal sealed record PortForwardRecord
{
    public required Guid Vm { get; init; }
    public int Vif { get; init; }

    /// <summary>"tcp" or "udp".</summary>
    public required string Protocol { get; init; }
    public int HostPort { get; init; }
    public int GuestPort { get; init; }
}
