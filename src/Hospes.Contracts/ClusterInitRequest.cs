namespace Hospes.Contracts;

/// <summary>`hospes cluster init [--name N]`: a new cluster of this host alone.</summary>
public sealed record ClusterInitRequest
{
    /// <summary>The cluster's name (default "hospes").</summary>
    public string? Name { get; init; }
}
