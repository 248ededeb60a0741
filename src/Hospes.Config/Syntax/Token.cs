namespace Hospes.Config.Syntax;

/// <param name="Text">The raw source text of the token.</param>
/// <param name="Value">The decoded string of a Text token, or the name of an Identifier.</param>
/// <param name="Start">Offset of the token in the source.</param>
internal readonly record struct Token(TokenKind Kind, string Text, string Value, long Number, int Start, SourceLocation Location)
{
    public int End => Start + Text.Length;

    /// <summary>How a token is shown in messages.</summary>
    public string Display => Kind switch
    {
        TokenKind.Newline => "end of line",
        TokenKind.End => "end of file",
        TokenKind.Text => Text,
        _ => $"'{Text}'",
    };
}
