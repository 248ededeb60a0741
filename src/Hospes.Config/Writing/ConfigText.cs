using System.Globalization;
using System.Text;

namespace Hospes.Config.Writing;

/// <summary>Builds xl.cfg text one "key = value" line at a time, quoting strings so the reader gets them back exactly.</summary>
internal sealed class ConfigText
{
    private readonly StringBuilder _text = new();

    public void Comment(string comment) => _text.Append("# ").Append(comment).Append('\n');

    public void Number(string key, long value) => Line(key, value.ToString(CultureInfo.InvariantCulture));

    public void String(string key, string? value)
    {
        if (value is not null)
        {
            Line(key, Quote(value));
        }
    }

    public void List(string key, IReadOnlyCollection<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        _text.Append(key).Append(" = [\n");
        foreach (string item in items)
        {
            _text.Append("    ").Append(Quote(item)).Append(",\n");
        }

        _text.Append("]\n");
    }

    public override string ToString() => _text.ToString();

    private void Line(string key, string value) => _text.Append(key).Append(" = ").Append(value).Append('\n');

    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in value)
        {
            quoted.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
