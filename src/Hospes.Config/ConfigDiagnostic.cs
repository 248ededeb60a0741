namespace Hospes.Config;

/// <summary>One problem found in a config file or a command-line override.</summary>
/// <param name="File">The file as the user named it, or "&lt;command line&gt;" for overrides.</param>
/// <param name="Line">1-based line (for overrides: the override's 1-based index); 0 when the problem concerns the whole file.</param>
/// <param name="Column">1-based column; 0 when unknown.</param>
/// <param name="Text">The offending source text.</param>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string File, int Line, int Column, string Text, string Message)
{
    /// <summary>
    /// True when the problem is about this host (a missing file, an absent PCI device, too many vCPUs,
    /// an unsupported bootloader), not about the file's syntax or meaning.
    /// </summary>
    public bool HostDependent { get; init; }

    /// <summary>Compiler-style text: "web.cfg:7:8: error: disk '...': file /x.img does not exist".</summary>
    public override string ToString()
    {
        string where = (Line, Column) switch
        {
            ( <= 0, _) => File,
            (_, <= 0) => $"{File}:{Line}",
            _ => $"{File}:{Line}:{Column}",
        };
        string severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "note",
        };
        return $"{where}: {severity}: {Message}";
    }
}
