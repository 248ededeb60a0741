namespace Hospes.Testing.Bench;

/// <summary>Replaces the text between &lt;!-- NAME:begin --&gt; and &lt;!-- NAME:end --&gt; in a markdown file.</summary>
public static class Docs
{
    public static void ReplaceSection(string path, string name, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string begin = $"<!-- {name}:begin -->", end = $"<!-- {name}:end -->";
        string text = File.ReadAllText(path);
        int b = text.IndexOf(begin, StringComparison.Ordinal), e = text.IndexOf(end, StringComparison.Ordinal);
        if (b < 0 || e < b)
        {
            throw new InvalidOperationException($"{path} has no {begin} ... {end} section");
        }

        File.WriteAllText(path, text[..(b + begin.Length)] + "\n" + body.TrimEnd() + "\n" + text[e..]);
    }
}
