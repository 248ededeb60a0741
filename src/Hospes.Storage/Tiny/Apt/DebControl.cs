namespace Hospes.Storage.Tiny.Apt;

/// <summary>Parses the first stanza of Debian control text (apt-cache show output) into its fields.</summary>
internal static class DebControl
{
    public static IReadOnlyDictionary<string, string> ParseStanza(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (fields.Count > 0)
                {
                    break;
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

        return fields;
    }

    /// <summary>The package names in a Depends field, alternatives included, without version constraints.</summary>
    public static IReadOnlyList<string> DependencyNames(string depends) =>
        [.. depends.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split([' ', '(', ':'], 2)[0])
            .Where(d => d.Length > 0)];
}
