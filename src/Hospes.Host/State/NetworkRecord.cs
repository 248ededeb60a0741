namespace Hospes.Host.State;

/// <summary>A row of `networks`: what a network is. Whether its bridge and dnsmasq are up is host state, found by looking.</summary>
internal sealed record NetworkRecord
{
    public required string Name { get; init; }
    public required string Bridge { get; init; }

    /// <summary>IPv4 CIDR, e.g. 10.165.1.0/24.</summary>
    public required string Subnet { get; init; }

    /// <summary>"nat" or "isolated".</summary>
    public required string Mode { get; init; }

    /// <summary>The project it belongs to (issue 14; "default" unless created in another).</summary>
    public string Project { get; init; } = StateDb.DefaultProject;
    public DateTimeOffset CreatedAt { get; init; }
}
