namespace Hospes.Contracts;

/// <summary>`hospes disk check`: every volume checked, and what hospesd repaired when it started.</summary>
public sealed record StoreCheckReport
{
    public IReadOnlyList<VolumeCheck> Volumes { get; init; } = [];

    /// <summary>Files and rows the last start of hospesd found half-made and removed (e.g. a clone cut off by a kill).</summary>
    public IReadOnlyList<string> Repairs { get; init; } = [];
    public bool Ok { get; init; }
}
