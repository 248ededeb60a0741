namespace Hospes.Config;

public enum DiagnosticSeverity
{
    Error,
    Warning,

    /// <summary>A key that means nothing under QEMU; shown only with --verbose.</summary>
    Note,
}
