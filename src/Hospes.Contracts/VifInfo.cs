namespace Hospes.Contracts;

/// <summary>One network interface of a VM, as `xl network-list` shows it.</summary>
public sealed record VifInfo
{
    public int Index { get; init; }
    public required string Mac { get; init; }
    public string? Ip { get; init; }
    public required string Model { get; init; }

    /// <summary>The Hospes network, or null when the vif is on a host bridge Hospes does not manage.</summary>
    public string? Network { get; init; }
    public required string Bridge { get; init; }

    /// <summary>The host's tap device while the VM runs.</summary>
    public string? Tap { get; init; }
}
