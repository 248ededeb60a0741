using Hospes.Config.Syntax;

namespace Hospes.Config;

/// <summary>Collects every problem of one read, so a user can fix a file in one pass.</summary>
internal sealed class DiagnosticBag(bool strictHost)
{
    private readonly List<ConfigDiagnostic> _items = [];
    private int _dropped;
    private bool _droppedError;

    public bool HasErrors => _droppedError || _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Every problem found, also those past <see cref="ConfigLimits.MaxDiagnostics"/>.</summary>
    public int Count => _items.Count + _dropped;

    public void Error(SourceLocation at, string text, string message) => Add(DiagnosticSeverity.Error, at, text, message, false);

    public void Warning(SourceLocation at, string text, string message) => Add(DiagnosticSeverity.Warning, at, text, message, false);

    /// <summary>Something worth knowing that changes nothing (a key Xen needed and QEMU does not); shown with --verbose.</summary>
    public void Note(SourceLocation at, string text, string message) => Add(DiagnosticSeverity.Note, at, text, message, false);

    /// <summary>A problem with this host rather than the file: an error only when reading strictly.</summary>
    public void HostProblem(SourceLocation at, string text, string message) =>
        Add(strictHost ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, at, text, message, true);

    /// <summary>
    /// Sorted by position: the file's lines first, then whole-file problems, then each override; last, how many more
    /// were found than are reported.
    /// </summary>
    public IReadOnlyList<ConfigDiagnostic> ToSortedList(string mainFile)
    {
        List<ConfigDiagnostic> sorted = [.. _items
            .Select((d, index) => (d, index))
            .OrderBy(x => x.d.File == mainFile ? 0 : 1)
            .ThenBy(x => x.d.Line <= 0 ? int.MaxValue : x.d.Line)
            .ThenBy(x => x.d.Column)
            .ThenBy(x => x.index)
            .Select(x => x.d)];
        if (_dropped > 0)
        {
            DiagnosticSeverity severity = _droppedError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
            sorted.Add(new ConfigDiagnostic(severity, mainFile, 0, 0, "", $"{_dropped} more problem(s) not shown: at most {ConfigLimits.MaxDiagnostics} are reported; fix these and check again"));
        }

        return sorted;
    }

    // Bounded: a file of 200,000 ',' in a list would otherwise hold 200,000 messages (and send them all back).
    private void Add(DiagnosticSeverity severity, SourceLocation at, string text, string message, bool hostDependent)
    {
        if (_items.Count >= ConfigLimits.MaxDiagnostics)
        {
            _dropped++;
            _droppedError |= severity == DiagnosticSeverity.Error;
            return;
        }

        _items.Add(new ConfigDiagnostic(severity, at.File, at.Line, at.Column, text, message) { HostDependent = hostDependent });
    }
}
