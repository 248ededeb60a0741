using Hospes.Contracts.Vms;

namespace Hospes.Contracts;

public sealed record ConfigCheckResponse
{
    public bool Ok { get; init; }
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];
    public VmSpecDto? Spec { get; init; }

    /// <summary>The spec written back as a normalized xl config file.</summary>
    public string? Normalized { get; init; }
}
