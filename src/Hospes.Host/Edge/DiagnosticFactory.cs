using Hospes.Config;
using Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>A config reader's diagnostic as the wire carries it.</summary>
internal static class DiagnosticFactory
{
    public static Diagnostic Create(ConfigDiagnostic d) => new()
    {
        Severity = d.Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "note",
        },
        File = d.File,
        Line = d.Line,
        Column = d.Column,
        Text = d.Text,
        Message = d.Message,
        HostDependent = d.HostDependent,
        Rendered = d.ToString(),
    };
}
