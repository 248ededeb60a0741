namespace Hospes.Config.Syntax;

/// <summary>
/// Reads command-line overrides ("memory=512", "name=web2") as config lines appended after the file.
/// A value that is not a valid literal is taken as a bare string, as xm did.
/// </summary>
internal static class OverrideParser
{
    public const string File = "<command line>";

    public static List<ConfigSetting> Parse(IReadOnlyList<string> overrides, DiagnosticBag diagnostics)
    {
        var settings = new List<ConfigSetting>();
        for (int i = 0; i < overrides.Count; i++)
        {
            ConfigSetting? setting = ParseOne(overrides[i], i + 1, diagnostics);
            if (setting is not null)
            {
                settings.Add(setting);
            }
        }

        return settings;
    }

    private static ConfigSetting? ParseOne(string text, int line, DiagnosticBag diagnostics)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            diagnostics.Error(new SourceLocation(File, line, 1), text, $"override '{text}' is not key=value; write e.g. memory=512");
            return null;
        }

        string rawKey = text[..equals];
        string key = rawKey.Trim();
        var keyLocation = new SourceLocation(File, line, 1 + rawKey.Length - rawKey.TrimStart().Length);
        if (!Lexer.IsIdentifier(key))
        {
            diagnostics.Error(keyLocation, rawKey, $"override '{text}': '{key}' is not a key name; keys are letters, digits and '_', e.g. memory=512");
            return null;
        }

        string rawValue = text[(equals + 1)..];
        string value = rawValue.Trim();
        var trial = new DiagnosticBag(strictHost: false);
        ConfigDocument document = Parser.Parse(text, File, trial, line);
        if (trial.Count == 0 && document.Settings is [{ Value: not StringValue { Unquoted: true } } literal])
        {
            return literal;
        }

        var valueLocation = new SourceLocation(File, line, equals + 2 + rawValue.Length - rawValue.TrimStart().Length);

        // A value that starts like a list or quoted string was meant as one: report why it does not parse.
        if (value.Length > 0 && value[0] is '[' or '\'' or '"')
        {
            Parser.Parse(text, File, diagnostics, line);
            return null;
        }

        return new ConfigSetting(key, keyLocation, new StringValue(value, valueLocation, value));
    }
}
