namespace Hospes.Storage.Debian;

/// <summary>
/// Finds the Debian mirror the host's apt uses (/etc/apt/sources.list and sources.list.d, one-line and deb822 formats):
/// the host may reach Debian only through that mirror or proxy.
/// </summary>
internal static class AptSources
{
    /// <summary>The URI of the first enabled "deb" source for <paramref name="release"/> exactly (not -updates or -security).</summary>
    public static string MirrorFor(string release, string aptDir = "/etc/apt")
    {
        foreach (string file in SourceFiles(aptDir))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            IEnumerable<(string Uri, IReadOnlyList<string> Suites)> entries =
                file.EndsWith(".sources", StringComparison.Ordinal) ? ParseDeb822(text) : ParseOneLine(text);
            foreach ((string uri, IReadOnlyList<string> suites) in entries)
            {
                if (suites.Contains(release, StringComparer.Ordinal) && uri.StartsWith("http", StringComparison.Ordinal))
                {
                    return uri.TrimEnd('/');
                }
            }
        }

        return DebianGuest.FallbackMirror;
    }

    private static IEnumerable<string> SourceFiles(string aptDir)
    {
        string main = Path.Combine(aptDir, "sources.list");
        if (File.Exists(main))
        {
            yield return main;
        }

        string parts = Path.Combine(aptDir, "sources.list.d");
        if (!Directory.Exists(parts))
        {
            yield break;
        }

        // apt reads only these two extensions; e.g. "x.list.disabled" is ignored, as apt ignores it.
        foreach (string file in Directory.EnumerateFiles(parts).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".list", StringComparison.Ordinal) || file.EndsWith(".sources", StringComparison.Ordinal))
            {
                yield return file;
            }
        }
    }

    /// <summary>"deb [options] uri suite component..." lines.</summary>
    internal static IEnumerable<(string Uri, IReadOnlyList<string> Suites)> ParseOneLine(string text)
    {
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal) && !line.StartsWith("deb\t", StringComparison.Ordinal))
            {
                continue;
            }

            string rest = line[3..].Trim();
            if (rest.StartsWith('['))
            {
                int close = rest.IndexOf(']', StringComparison.Ordinal);
                rest = close < 0 ? "" : rest[(close + 1)..].Trim();
            }

            string[] words = rest.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2)
            {
                yield return (words[0], [words[1]]);
            }
        }
    }

    /// <summary>deb822 stanzas ("Types: deb", "URIs:", "Suites:", "Enabled:"), separated by blank lines.</summary>
    internal static IEnumerable<(string Uri, IReadOnlyList<string> Suites)> ParseDeb822(string text)
    {
        foreach (string stanza in text.Replace("\r", "", StringComparison.Ordinal).Split("\n\n"))
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string raw in stanza.Split('\n'))
            {
                string line = raw.TrimEnd();
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (line.StartsWith('#') || line.StartsWith(' ') || colon <= 0)
                {
                    continue;
                }

                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            string[] types = Words(fields, "Types");
            if (!types.Contains("deb", StringComparer.Ordinal) || fields.GetValueOrDefault("Enabled")?.Equals("no", StringComparison.OrdinalIgnoreCase) == true)
            {
                continue;
            }

            string[] suites = Words(fields, "Suites");
            foreach (string uri in Words(fields, "URIs"))
            {
                yield return (uri, suites);
            }
        }
    }

    private static string[] Words(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out string? value) ? value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries) : [];
}
