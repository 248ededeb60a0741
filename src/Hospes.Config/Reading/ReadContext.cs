using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>What key groups share while reading one config: its settings, the draft spec, the host and the diagnostics.</summary>
internal sealed class ReadContext(
    IReadOnlyList<ConfigSetting> allSettings,
    SettingTable settings,
    IReadOnlySet<string> brokenKeys,
    DiagnosticBag diagnostics,
    IHostFacts host,
    string file,
    string baseDirectory)
{
    private readonly HashSet<ConfigValue> _reported = new(ReferenceEqualityComparer.Instance);

    public SpecDraft Draft { get; } = new();

    public SettingTable Settings => settings;

    /// <summary>Every statement of the file and the overrides, including ones a later statement replaced.</summary>
    public IReadOnlyList<ConfigSetting> AllSettings => allSettings;

    public IHostFacts Host => host;

    /// <summary>The folder relative paths in the file resolve against.</summary>
    public string BaseDirectory => baseDirectory;

    /// <summary>True when the key's statement had a syntax error (already reported).</summary>
    public bool IsBroken(string key) => brokenKeys.Contains(key);

    public void Error(ConfigValue at, string message) => diagnostics.Error(at.Location, at.Text, message);

    public void Warning(ConfigValue at, string message) => diagnostics.Warning(at.Location, at.Text, message);

    public void Note(ConfigValue at, string message) => diagnostics.Note(at.Location, at.Text, message);

    public void HostProblem(ConfigValue at, string message) => diagnostics.HostProblem(at.Location, at.Text, message);

    /// <summary>A warning about a key itself (unknown, ignored) rather than its value.</summary>
    public void KeyWarning(ConfigSetting setting, string message) => diagnostics.Warning(setting.KeyLocation, setting.Key, message);

    /// <summary>A note about a key that changes nothing under QEMU (shown with --verbose).</summary>
    public void KeyNote(ConfigSetting setting, string message) => diagnostics.Note(setting.KeyLocation, setting.Key, message);

    /// <summary>A problem of the file as a whole, such as a missing required key.</summary>
    public void FileError(string message) => diagnostics.Error(SourceLocation.WholeFile(file), "", message);

    /// <summary>An integer from a number or a numeric string ("512"; xm accepted those).</summary>
    public Setting<long>? Integer(string key, string what, string example)
    {
        ConfigSetting? setting = Settings.Get(key);
        if (setting is null)
        {
            return null;
        }

        if (TryInteger(setting.Value, out long number))
        {
            return new Setting<long>(number, setting.Value);
        }

        Error(setting.Value, $"{key}: {Shown(setting.Value)} is not {what}; write e.g. {example}");
        MarkReported(setting.Value);
        return null;
    }

    /// <summary>A string; a number is taken as its text (xl stores both alike).</summary>
    public Setting<string>? Text(string key, string example)
    {
        ConfigSetting? setting = Settings.Get(key);
        if (setting is null)
        {
            return null;
        }

        switch (setting.Value)
        {
            case StringValue s:
                RequireQuotes(key, s);
                return new Setting<string>(s.Value, s);
            case NumberValue n:
                return new Setting<string>(n.Text, n);
            default:
                Error(setting.Value, $"{key}: expected a string, not a list; write e.g. {example}");
                return null;
        }
    }

    /// <summary>A list of strings; a single string counts as a list of one.</summary>
    public Setting<IReadOnlyList<StringValue>>? StringList(string key, string example)
    {
        ConfigSetting? setting = Settings.Get(key);
        if (setting is null)
        {
            return null;
        }

        IReadOnlyList<ConfigValue> items = setting.Value is ListValue list ? list.Items : [setting.Value];
        var strings = new List<StringValue>();
        foreach (ConfigValue item in items)
        {
            switch (item)
            {
                case StringValue s:
                    RequireQuotes(key, s);
                    strings.Add(s);
                    break;
                case NumberValue n:
                    strings.Add(new StringValue(n.Text, n.Location, n.Text));
                    break;
                default:
                    Error(item, $"{key}: entries must be strings, not lists; write e.g. {example}");
                    break;
            }
        }

        return new Setting<IReadOnlyList<StringValue>>(strings, setting.Value);
    }

    /// <summary>Reports an unquoted string once; the value is still used so no errors pile up behind it.</summary>
    public void RequireQuotes(string key, StringValue value)
    {
        if (value.Unquoted && _reported.Add(value))
        {
            Error(value, $"{key}: {value.Text} must be quoted; write {key} = '{value.Text}'");
        }
    }

    /// <summary>Marks a value whose problem is reported, so <see cref="UnquotedValues"/> does not report it again.</summary>
    public void MarkReported(ConfigValue value) => _reported.Add(value);

    public static bool TryInteger(ConfigValue value, out long number)
    {
        number = 0;
        return value switch
        {
            NumberValue n => Assign(n.Number, out number),
            StringValue s => Lexer.TryParseNumber(s.Value.Trim(), out number, out _),
            _ => false,
        };
    }

    /// <summary>How a value is quoted in messages: strings in single quotes, the rest as written.</summary>
    public static string Shown(ConfigValue value) => value is StringValue s ? $"'{s.Value}'" : value.Text;

    private static bool Assign(long value, out long number)
    {
        number = value;
        return true;
    }
}
