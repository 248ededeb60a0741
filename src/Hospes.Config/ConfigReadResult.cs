using Hospes.Core.Vms;

namespace Hospes.Config;

/// <param name="Spec">The VM the file describes; null when any diagnostic is an error.</param>
/// <param name="Diagnostics">Every problem found, in file order, then the command-line overrides.</param>
public sealed record ConfigReadResult(VmSpec? Spec, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
