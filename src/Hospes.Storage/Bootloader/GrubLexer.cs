using System.Text;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// Splits grub.cfg into commands the way GRUB's shell-like parser does: quotes, escapes, comments,
/// <c>;</c> and newlines, and <c>$var</c> expansion with the variables set so far. A <c>{</c> ends its
/// command and a <c>}</c> is a command of its own, so blocks are easy to follow. Expansion is bounded: a menu whose
/// variables would add more than <see cref="BootLimits.ExpansionChars"/> (<c>a=$a$a</c> doubling line by line) is
/// refused with an <see cref="InvalidDataException"/> before the text is made.
/// </summary>
internal sealed class GrubLexer
{
    private readonly string _text;
    private readonly int _maxExpansion;
    private int _pos;
    private long _expanded;
    private readonly Queue<List<GrubWord>> _pending = new();

    public GrubLexer(string text, int maxExpansion = int.MaxValue)
    {
        _text = text;
        _maxExpansion = maxExpansion;
    }

    /// <summary>The next command, or null at the end of the file.</summary>
    public List<GrubWord>? Next(IReadOnlyDictionary<string, string> variables)
    {
        while (_pending.Count == 0)
        {
            if (_pos >= _text.Length)
            {
                return null;
            }

            SplitBraces(ReadCommand(variables));
        }

        return _pending.Dequeue();
    }

    private void SplitBraces(List<GrubWord> words)
    {
        var current = new List<GrubWord>();
        foreach (GrubWord w in words)
        {
            if (!w.Quoted && w.Value == "}")
            {
                Flush(current);
                _pending.Enqueue([w]);
                current = [];
            }
            else
            {
                current.Add(w);
                if (!w.Quoted && w.Value == "{")
                {
                    Flush(current);
                    current = [];
                }
            }
        }

        Flush(current);
    }

    private void Flush(List<GrubWord> words)
    {
        if (words.Count > 0)
        {
            _pending.Enqueue(words);
        }
    }

    private List<GrubWord> ReadCommand(IReadOnlyDictionary<string, string> variables)
    {
        var words = new List<GrubWord>();
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is '\n' or ';')
            {
                _pos++;
                return words;
            }

            if (c is ' ' or '\t' or '\r')
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                AddSplit(words, ReadWord(variables, out bool expanded), expanded);
            }
        }

        return words;
    }

    /// <summary>An unquoted expansion is split at blanks, as GRUB (like a shell) does: <c>$opts</c> may be "ro quiet".</summary>
    private static void AddSplit(List<GrubWord> words, GrubWord word, bool expanded)
    {
        string[] parts = word.Value.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (word.Quoted || !expanded || parts.Length < 2)
        {
            words.Add(word);
            return;
        }

        words.AddRange(parts.Select(p => new GrubWord(p, word.Raw, Quoted: false)));
    }

    private GrubWord ReadWord(IReadOnlyDictionary<string, string> variables, out bool expanded)
    {
        int start = _pos;
        var value = new StringBuilder();
        bool quoted = false;
        expanded = false;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' or '\r' or '\n' or ';')
            {
                break;
            }

            _pos++;
            if (c == '\\' && _pos < _text.Length)
            {
                char escaped = _text[_pos++];
                if (escaped != '\n')
                {
                    value.Append(escaped);
                }
            }
            else if (c == '\'')
            {
                quoted = true;
                int end = _text.IndexOf('\'', _pos);
                end = end < 0 ? _text.Length : end;
                value.Append(_text, _pos, end - _pos);
                _pos = Math.Min(end + 1, _text.Length);
            }
            else if (c == '"')
            {
                quoted = true;
                ReadDoubleQuoted(value, variables);
            }
            else if (c == '$')
            {
                expanded = true;
                value.Append(ReadVariable(variables));
            }
            else
            {
                value.Append(c);
            }
        }

        return new GrubWord(value.ToString(), _text[start.._pos], quoted);
    }

    private void ReadDoubleQuoted(StringBuilder value, IReadOnlyDictionary<string, string> variables)
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos++];
            if (c == '"')
            {
                return;
            }

            if (c == '\\' && _pos < _text.Length && _text[_pos] is '"' or '\\' or '$' or '\n')
            {
                char escaped = _text[_pos++];
                if (escaped != '\n')
                {
                    value.Append(escaped);
                }
            }
            else if (c == '$')
            {
                value.Append(ReadVariable(variables));
            }
            else
            {
                value.Append(c);
            }
        }
    }

    /// <summary>Reads a name after '$' ("name", "{name}", "1", "?") and returns its value; unset is empty.</summary>
    private string ReadVariable(IReadOnlyDictionary<string, string> variables)
    {
        string name;
        if (_pos < _text.Length && _text[_pos] == '{')
        {
            int end = _text.IndexOf('}', _pos);
            end = end < 0 ? _text.Length : end;
            name = _text[(_pos + 1)..end];
            _pos = Math.Min(end + 1, _text.Length);
        }
        else
        {
            int start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            if (_pos == start && _pos < _text.Length && _text[_pos] is '?' or '#' or '@')
            {
                _pos++;
            }

            name = _text[start.._pos];
            if (name.Length == 0)
            {
                return "$";
            }
        }

        string value = variables.GetValueOrDefault(name, "");
        _expanded += value.Length;
        if (_expanded > _maxExpansion)
        {
            throw new InvalidDataException($"its variables expand to more than {_maxExpansion} characters");
        }

        return value;
    }
}
