namespace Hospes.Storage.Tiny.Apt;

/// <summary>Parses Debian control text (apt-cache show output) into the fields of its stanzas.</summary>
internal static class DebControl
{
    /// <summary>The first stanza's fields (empty if there is none).</summary>
    public static IReadOnlyDictionary<string, string> ParseStanza(string text) =>
        ParseStanzas(text) is [var first, ..] ? first : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every stanza, in order (apt-cache show of several packages prints one each).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ParseStanzas(string text)
    {
        var stanzas = new List<IReadOnlyDictionary<string, string>>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (fields.Count > 0)
                {
                    stanzas.Add(fields);
                    fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    current = null;
                }

                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                // A continuation line belongs to the field above it.
                if (current is not null)
                {
                    fields[current] += "\n" + line.Trim();
                }

                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            current = line[..colon];
            fields[current] = line[(colon + 1)..].Trim();
        }

        if (fields.Count > 0)
        {
            stanzas.Add(fields);
        }

        return stanzas;
    }

    /// <summary>The package names in a Depends field, alternatives included, without version constraints.</summary>
    public static IReadOnlyList<string> DependencyNames(string depends) =>
        [.. depends.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split([' ', '(', ':'], 2)[0])
            .Where(d => d.Length > 0)];

    /// <summary>What apt installs for a Depends field: the first alternative of each group, without version constraints.</summary>
    public static IReadOnlyList<string> FirstAlternatives(string depends) =>
        [.. depends.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(group => group.Split('|', 2)[0].Trim().Split([' ', '(', ':'], 2)[0])
            .Where(d => d.Length > 0)];
}
