namespace Hospes.Contracts;

public sealed record NetworkCreateRequest
{
    public required string Name { get; init; }

    /// <summary>IPv4 CIDR, e.g. 10.165.1.0/24; the host gets the first address on the bridge.</summary>
    public required string Subnet { get; init; }

    /// <summary>nat (default): guests reach beyond the host, masqueraded; isolated: guests reach each other and the host's bridge address only.</summary>
    public string Mode { get; init; } = "nat";

    /// <summary>The Linux bridge; the network's name when not given.</summary>
    public string? Bridge { get; init; }
}
