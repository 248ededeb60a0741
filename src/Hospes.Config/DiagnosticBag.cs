using Hospes.Config.Syntax;

namespace Hospes.Config;

/// <summary>Collects every problem of one read, so a user can fix a file in one pass.</summary>
internal sealed class DiagnosticBag(bool strictHost)
{
    private readonly List<ConfigDiagnostic> _items = [];

    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public int Count => _items.Count;

    public void Error(SourceLocation at, string text, string message) => Add(DiagnosticSeverity.Error, at, text, message, false);

    public void Warning(SourceLocation at, string text, string message) => Add(DiagnosticSeverity.Warning, at, text, message, false);

    /// <summary>A problem with this host rather than the file: an error only when reading strictly.</summary>
    public void HostProblem(SourceLocation at, string text, string message) =>
        Add(strictHost ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, at, text, message, true);

    /// <summary>Sorted by position: the file's lines first, then whole-file problems, then each override.</summary>
    public IReadOnlyList<ConfigDiagnostic> ToSortedList(string mainFile) =>
        [.. _items
            .Select((d, index) => (d, index))
            .OrderBy(x => x.d.File == mainFile ? 0 : 1)
            .ThenBy(x => x.d.Line <= 0 ? int.MaxValue : x.d.Line)
            .ThenBy(x => x.d.Column)
            .ThenBy(x => x.index)
            .Select(x => x.d)];

    private void Add(DiagnosticSeverity severity, SourceLocation at, string text, string message, bool hostDependent) =>
        _items.Add(new ConfigDiagnostic(severity, at.File, at.Line, at.Column, text, message) { HostDependent = hostDependent });
}
