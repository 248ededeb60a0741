using System.Globalization;
using System.Text;

namespace Hospes.Config.Syntax;

/// <summary>
/// Splits xl/xm config text into tokens. Newlines are tokens (they end statements);
/// a backslash at the end of a line joins it to the next one.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line;
    private int _lineStart;

    private Lexer(string text, string file, int firstLine, DiagnosticBag diagnostics)
    {
        _text = text;
        _file = file;
        _line = firstLine;
        _diagnostics = diagnostics;
    }

    public static List<Token> Tokenize(string text, string file, int firstLine, DiagnosticBag diagnostics)
    {
        var lexer = new Lexer(text, file, firstLine, diagnostics);
        lexer.Run();
        return lexer._tokens;
    }

    private SourceLocation Here => new(_file, _line, _pos - _lineStart + 1);

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void Run()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\f' or '\v' or '\uFEFF':
                    _pos++;
                    break;
                case '\n':
                    Emit(TokenKind.Newline, "\n");
                    NewLine();
                    break;
                case '#':
                    SkipComment();
                    break;
                case '\\':
                    Backslash();
                    break;
                case '[':
                    Emit(TokenKind.LeftBracket, "[");
                    break;
                case ']':
                    Emit(TokenKind.RightBracket, "]");
                    break;
                case ',':
                    Emit(TokenKind.Comma, ",");
                    break;
                case '=':
                    Emit(TokenKind.Equals, "=");
                    break;
                case ';':
                    Emit(TokenKind.Semicolon, ";");
                    break;
                case '\'' or '"' when Peek(1) == c && Peek(2) == c:
                    TripleQuotedString(c);
                    break;
                case '\'' or '"':
                    QuotedString(c);
                    break;
                case var _ when char.IsWhiteSpace(c):
                    // Other white space (U+2028, no-break space...) separates like a blank: a word never starts with it.
                    _pos++;
                    break;
                default:
                    Word();
                    break;
            }
        }

        _tokens.Add(new Token(TokenKind.End, "", "", 0, _pos, Here));
    }

    /// <summary>A one-character token; its text is a literal, so 200,000 of them allocate no strings.</summary>
    private void Emit(TokenKind kind, string text)
    {
        _tokens.Add(new Token(kind, text, "", 0, _pos, Here));
        _pos += text.Length;
    }

    private void NewLine()
    {
        _line++;
        _lineStart = _pos;
    }

    private void SkipComment()
    {
        while (_pos < _text.Length && _text[_pos] != '\n')
        {
            _pos++;
        }
    }

    // A backslash ending a line continues the statement on the next line.
    private void Backslash()
    {
        int next = _pos + 1;
        while (next < _text.Length && _text[next] is ' ' or '\t' or '\r')
        {
            next++;
        }

        if (next >= _text.Length || _text[next] == '\n')
        {
            _pos = Math.Min(next + 1, _text.Length);
            if (next < _text.Length)
            {
                NewLine();
            }

            return;
        }

        _diagnostics.Error(Here, "\\", "stray '\\': a backslash may only end a line (to continue it) or appear inside quotes");
        _tokens.Add(new Token(TokenKind.Error, "\\", "", 0, _pos, Here));
        _pos++;
    }

    private void QuotedString(char quote)
    {
        SourceLocation start = Here;
        int startPos = _pos;
        var value = new StringBuilder();
        _pos++;
        while (true)
        {
            char c = Peek();
            if (_pos >= _text.Length || c == '\n')
            {
                string raw = _text[startPos.._pos].TrimEnd('\r');
                _diagnostics.Error(start, raw, $"string {raw} is not closed; add the closing {quote} on the same line (strings cannot span lines)");
                _tokens.Add(new Token(TokenKind.Text, raw, value.ToString().TrimEnd('\r'), 0, startPos, start));
                return;
            }

            _pos++;
            if (c == quote)
            {
                break;
            }

            if (c == '\0')
            {
                // Text never holds NUL; no path, name or command line can carry one either.
                _diagnostics.Error(new SourceLocation(_file, _line, _pos - _lineStart), "\\0", "a NUL character inside a string; a config is text: remove it");
                continue;
            }

            if (c == '\\' && _pos < _text.Length && Peek() != '\n')
            {
                value.Append(Escape(Peek()));
                _pos++;
                continue;
            }

            value.Append(c);
        }

        _tokens.Add(new Token(TokenKind.Text, _text[startPos.._pos], value.ToString(), 0, startPos, start));
    }

    /// <summary>Python's '''...''' and """...""" (valid in xm files): may span lines; escapes as in other strings.</summary>
    private void TripleQuotedString(char quote)
    {
        SourceLocation start = Here;
        int startPos = _pos;
        var value = new StringBuilder();
        _pos += 3;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                string raw = _text[startPos..];
                string first = raw.Split('\n')[0].TrimEnd('\r');
                _diagnostics.Error(start, first, $"string {first}... is not closed; add the closing {new string(quote, 3)}");
                _tokens.Add(new Token(TokenKind.Text, raw, value.ToString(), 0, startPos, start));
                return;
            }

            char c = _text[_pos];
            if (c == quote && Peek(1) == quote && Peek(2) == quote)
            {
                _pos += 3;
                break;
            }

            _pos++;
            if (c == '\\' && Peek() == '\n')
            {
                // A backslash before the line break joins the lines, as in Python.
                _pos++;
                _line++;
                _lineStart = _pos;
                continue;
            }

            if (c == '\n')
            {
                _line++;
                _lineStart = _pos;
            }

            if (c == '\0')
            {
                _diagnostics.Error(new SourceLocation(_file, _line, _pos - _lineStart), "\\0", "a NUL character inside a string; a config is text: remove it");
                continue;
            }

            if (c == '\\' && _pos < _text.Length && Peek() != '\n')
            {
                value.Append(Escape(Peek()));
                _pos++;
                continue;
            }

            value.Append(c);
        }

        _tokens.Add(new Token(TokenKind.Text, _text[startPos.._pos], value.ToString(), 0, startPos, start));
    }

    private string Escape(char c)
    {
        switch (c)
        {
            case '\\' or '\'' or '"':
                return c.ToString();
            case 'n':
                return "\n";
            case 't':
                return "\t";
            default:
                // Python (xm) keeps unknown escapes as written; so do we, with a hint.
                SourceLocation at = new(_file, _line, _pos - _lineStart);
                _diagnostics.Warning(at, "\\" + c, $"unknown escape '\\{c}' kept as written; write '\\\\' for a backslash");
                return "\\" + c;
        }
    }

    private void Word()
    {
        SourceLocation start = Here;
        int startPos = _pos;
        while (_pos < _text.Length && !EndsWord(_text[_pos]))
        {
            _pos++;
        }

        string word = _text[startPos.._pos];
        if (IsIdentifier(word))
        {
            _tokens.Add(new Token(TokenKind.Identifier, word, word, 0, startPos, start));
        }
        else if (TryParseNumber(word, out long number, out bool overflow))
        {
            _tokens.Add(new Token(TokenKind.Number, word, word, number, startPos, start));
        }
        else if (overflow)
        {
            _diagnostics.Error(start, word, $"number {word} is too large");
            _tokens.Add(new Token(TokenKind.Error, word, word, 0, startPos, start));
        }
        else
        {
            _tokens.Add(new Token(TokenKind.BareWord, word, word, 0, startPos, start));
        }
    }

    private static bool EndsWord(char c) =>
        char.IsWhiteSpace(c) || c is '[' or ']' or ',' or '=' or ';' or '#' or '\'' or '"' or '\\';

    public static bool IsIdentifier(string word) =>
        word.Length > 0
        && (char.IsAsciiLetter(word[0]) || word[0] == '_')
        && word.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Decimal or 0x hexadecimal, optionally negative.</summary>
    public static bool TryParseNumber(string word, out long value, out bool overflow)
    {
        value = 0;
        overflow = false;
        bool negative = word.StartsWith('-');
        string digits = negative ? word[1..] : word;
        bool hex = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (hex)
        {
            digits = digits[2..];
        }

        if (digits.Length == 0 || !digits.All(hex ? char.IsAsciiHexDigit : char.IsAsciiDigit))
        {
            return false;
        }

        NumberStyles style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        if (!ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out ulong magnitude) || magnitude > long.MaxValue)
        {
            overflow = true;
            return false;
        }

        value = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }
}
