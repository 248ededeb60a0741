namespace Hospes.Config.Syntax;

internal enum TokenKind
{
    Identifier,
    Number,
    Text,

    /// <summary>An unquoted word that is neither a key nor a number ("/boot/vmlinuz", "512M").</summary>
    BareWord,
    LeftBracket,
    RightBracket,
    Comma,
    Equals,
    Semicolon,
    Newline,
    End,

    /// <summary>Bad input the lexer already reported; the parser skips it silently.</summary>
    Error,
}
