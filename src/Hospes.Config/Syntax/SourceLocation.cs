namespace Hospes.Config.Syntax;

/// <summary>Where a piece of text came from; Line 0 means the whole file.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation WholeFile(string file) => new(file, 0, 0);
}
