namespace Hospes.Config;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
