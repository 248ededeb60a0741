namespace Hospes.Config.Syntax;

/// <summary>
/// Parses "key = value" statements. After a syntax error it reports it, skips to the next
/// statement and goes on, so every problem of a file is reported in one run.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly string _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<ConfigSetting> _settings = [];
    private readonly HashSet<string> _brokenKeys = new(StringComparer.Ordinal);
    private int _index;

    private Parser(List<Token> tokens, string source, DiagnosticBag diagnostics)
    {
        _tokens = tokens;
        _source = source;
        _diagnostics = diagnostics;
    }

    public static ConfigDocument Parse(string source, string file, DiagnosticBag diagnostics, int firstLine = 1)
    {
        List<Token> tokens = Lexer.Tokenize(source, file, firstLine, diagnostics);
        var parser = new Parser(tokens, source, diagnostics);
        parser.ParseStatements();
        return new ConfigDocument(parser._settings, parser._brokenKeys);
    }

    private Token Current => _tokens[_index];

    private Token Next => _tokens[Math.Min(_index + 1, _tokens.Count - 1)];

    private void Advance()
    {
        if (Current.Kind != TokenKind.End)
        {
            _index++;
        }
    }

    private void ParseStatements()
    {
        while (true)
        {
            while (Current.Kind is TokenKind.Newline or TokenKind.Semicolon)
            {
                Advance();
            }

            if (Current.Kind == TokenKind.End)
            {
                return;
            }

            ParseStatement();
        }
    }

    private void ParseStatement()
    {
        Token key = Current;
        if (key.Kind != TokenKind.Identifier)
        {
            if (key.Kind != TokenKind.Error)
            {
                Error(key, $"expected a setting such as memory = 512, found {key.Display}; keys are letters, digits and '_'");
            }

            Recover();
            return;
        }

        Advance();
        if (Current.Kind != TokenKind.Equals)
        {
            Error(Current, $"{key.Text}: expected '=' after the key, found {Current.Display}; write {key.Text} = value");
            Broken(key);
            return;
        }

        Advance();
        ConfigValue? value = ParseValue(key.Text, depth: 0);
        if (value is null)
        {
            Broken(key);
            return;
        }

        bool ended = Current.Kind is TokenKind.Newline or TokenKind.Semicolon or TokenKind.End
            || _tokens[_index - 1].Kind == TokenKind.Newline;
        if (!ended)
        {
            Error(Current, $"{key.Text}: unexpected {Current.Display} after the value; put one setting on each line and quote strings");
            Broken(key);
            return;
        }

        _settings.Add(new ConfigSetting(key.Text, key.Location, value));
    }

    private void Broken(Token key)
    {
        _brokenKeys.Add(key.Text);
        Recover();
    }

    /// <summary>Returns null when no value could be read (the problem is reported).</summary>
    /// <param name="depth">How many lists enclose the value.</param>
    private ConfigValue? ParseValue(string key, int depth)
    {
        Token token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new NumberValue(token.Number, token.Location, token.Text);
            case TokenKind.Text:
                Advance();
                return new StringValue(token.Value, token.Location, token.Text);
            case TokenKind.LeftBracket when depth >= ConfigLimits.MaxListDepth:
                // Recursion stops here: a file of 200,000 '[' must be an error, not a stack overflow.
                Error(token, $"{key}: lists nest more than {ConfigLimits.MaxListDepth} deep here; xl configs use a list of strings, e.g. {key} = [ 'a', 'b' ]; remove the extra '['");
                SkipNestedList();
                return null;
            case TokenKind.LeftBracket:
                return ParseList(key, depth + 1);
            case TokenKind.Identifier or TokenKind.BareWord:
                // Kept as a string so the key's reader can say what is wrong with it.
                Advance();
                return new StringValue(token.Text, token.Location, token.Text) { Unquoted = true };
            case TokenKind.Error:
                Advance();
                return null;
            case TokenKind.Newline or TokenKind.Semicolon or TokenKind.End:
                Error(token, $"{key}: no value after '='; write e.g. {key} = 'value', {key} = 1 or {key} = [ 'a', 'b' ]");
                return null;
            default:
                Error(token, $"{key}: expected a value (a number, a 'string' or a [ list ]), found {token.Display}");
                if (token.Kind is not (TokenKind.Comma or TokenKind.RightBracket))
                {
                    Advance();
                }

                return null;
        }
    }

    private ListValue ParseList(string key, int depth)
    {
        Token open = Current;
        Advance();
        var items = new List<ConfigValue>();
        while (true)
        {
            bool newLine = SkipNewlines();
            if (Current.Kind == TokenKind.RightBracket)
            {
                break;
            }

            if (Current.Kind == TokenKind.End || (newLine && StatementStartsHere()))
            {
                Unclosed(key, open);
                return MakeList(open, items);
            }

            if (Current.Kind == TokenKind.Comma)
            {
                Error(Current, $"{key}: empty list entry; remove the extra ','");
                Advance();
                continue;
            }

            if (Current.Kind == TokenKind.Semicolon)
            {
                SemicolonInList(key);
                continue;
            }

            int before = _index;
            ConfigValue? item = ParseValue(key, depth);
            if (item is not null)
            {
                items.Add(item);
            }
            else if (_index == before)
            {
                // The bad token was reported but not consumed (a ';' inside the list): step over it.
                Advance();
            }

            newLine = SkipNewlines();
            if (Current.Kind == TokenKind.Comma)
            {
                Advance();
            }
            else if (Current.Kind == TokenKind.Semicolon)
            {
                SemicolonInList(key);
            }
            else if (Current.Kind == TokenKind.RightBracket)
            {
                break;
            }
            else if (Current.Kind == TokenKind.End || (newLine && StatementStartsHere()))
            {
                Unclosed(key, open);
                return MakeList(open, items);
            }
            else if (item is not null)
            {
                // Most often a forgotten comma: report it and read on as if it were there.
                Error(Current, $"{key}: expected ',' or ']' after list entry {item.Text}, found {Current.Display}");
            }
        }

        Advance();
        return MakeList(open, items);
    }

    /// <summary>
    /// Steps over a list nested too deep, without recursion: up to its matching ']', or where the statement surely
    /// ends (the end of the file, or a line starting "key =").
    /// </summary>
    private void SkipNestedList()
    {
        int open = 0;
        while (Current.Kind != TokenKind.End)
        {
            switch (Current.Kind)
            {
                case TokenKind.LeftBracket:
                    open++;
                    break;
                case TokenKind.RightBracket:
                    open--;
                    if (open == 0)
                    {
                        Advance();
                        return;
                    }

                    break;
                case TokenKind.Newline:
                    Advance();
                    if (StatementStartsHere())
                    {
                        return;
                    }

                    continue;
            }

            Advance();
        }
    }

    private ListValue MakeList(Token open, List<ConfigValue> items)
    {
        int end = _index > 0 ? _tokens[_index - 1].End : open.End;
        string text = _source[open.Start..Math.Max(end, open.End)];
        return new ListValue(items, open.Location, text);
    }

    private void SemicolonInList(string key)
    {
        Error(Current, $"{key}: ';' cannot appear inside a list; separate entries with ','");
        Advance();
    }

    private void Unclosed(string key, Token open) =>
        Error(open, $"{key}: the list opened here is not closed; add ']' after its last entry");

    private bool SkipNewlines()
    {
        bool any = false;
        while (Current.Kind == TokenKind.Newline)
        {
            any = true;
            Advance();
        }

        return any;
    }

    // Inside an unclosed list, "name =" at the start of a line is surely the next statement.
    private bool StatementStartsHere() => Current.Kind == TokenKind.Identifier && Next.Kind == TokenKind.Equals;

    /// <summary>Skips to the end of the statement: a newline or ';' outside brackets, or a line starting "key =".</summary>
    private void Recover()
    {
        int depth = 0;
        while (Current.Kind != TokenKind.End)
        {
            switch (Current.Kind)
            {
                case TokenKind.LeftBracket:
                    depth++;
                    break;
                case TokenKind.RightBracket:
                    depth = Math.Max(0, depth - 1);
                    break;
                case TokenKind.Semicolon when depth == 0:
                    return;
                case TokenKind.Newline:
                    if (depth == 0)
                    {
                        return;
                    }

                    Advance();
                    if (StatementStartsHere())
                    {
                        return;
                    }

                    continue;
            }

            Advance();
        }
    }

    private void Error(Token at, string message) =>
        _diagnostics.Error(at.Location, at.Kind is TokenKind.Newline or TokenKind.End ? "" : at.Text, message);
}
