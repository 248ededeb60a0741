namespace Hospes.Contracts;

public sealed record PortForwardRequest
{
    public int HostPort { get; init; }
    public int GuestPort { get; init; }

    /// <summary>tcp (default) or udp.</summary>
    public string Protocol { get; init; } = "tcp";

    /// <summary>Which of the VM's interfaces; the first on a Hospes network when not given.</summary>
    public int? Vif { get; init; }
}
