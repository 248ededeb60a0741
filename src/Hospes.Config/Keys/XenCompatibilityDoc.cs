using System.Text;

namespace Hospes.Config.Keys;

/// <summary>docs/xen-compatibility.md, rendered from <see cref="XenKeyTable"/> (a test keeps the file up to date).</summary>
internal static class XenCompatibilityDoc
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("""
            # Xen config compatibility

            Every key of xl.cfg(5) and xmdomain.cfg(5) (with xm create's keys), and what Hospes does with it under QEMU.
            Generated from `src/Hospes.Config/Keys/XenKeyTable.cs` by `XenCompatibilityDocTests`: do not edit by hand;
            change the table and run `HOSPES_WRITE_DOCS=1 dotnet test tests/Hospes.Config.Tests --filter XenCompatibilityDocTests`.

            - **Honoured**: read and mapped to QEMU (or to hospesd).
            - **Meaningless under QEMU**: Xen's own machinery; accepted silently (`hospes config check --verbose` shows a note).
            - **Impossible here**: one warning saying what the guest will lack; none when the value turns the thing off
              (`0`, `''`, `'none'`, `[]`).

            """);
        Section(text, XenKeyClass.Honoured, "Honoured", "Maps to");
        Section(text, XenKeyClass.Meaningless, "Meaningless under QEMU", "Why nothing is needed");
        Section(text, XenKeyClass.Impossible, "Impossible here", "What the guest lacks (the warning)");
        return text.ToString().ReplaceLineEndings("\n");
    }

    private static void Section(StringBuilder text, XenKeyClass keyClass, string title, string column)
    {
        XenKey[] keys = [.. XenKeyTable.Of(keyClass).OrderBy(k => k.Name, StringComparer.Ordinal)];
        text.Append('\n').Append($"## {title} ({keys.Length} keys)\n\n");
        text.Append($"| Key | From | {column} |\n|---|---|---|\n");
        foreach (XenKey key in keys)
        {
            text.Append($"| `{key.Name}` | {key.Origin} | {key.Effect.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
    }
}
