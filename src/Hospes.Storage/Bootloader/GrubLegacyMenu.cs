using System.Text.RegularExpressions;

namespace Hospes.Storage.Bootloader;

/// <summary>Reads GRUB legacy's menu.lst / grub.conf: <c>default N</c>, <c>title</c>, <c>kernel</c>, <c>initrd</c>.</summary>
internal static partial class GrubLegacyMenu
{
    public static BootMenu Parse(string source, string text)
    {
        var entries = new List<BootMenuEntry>();
        string defaultEntry = "0";
        string? title = null;
        string? kernel = null;
        string args = "";
        var initrds = new List<string>();

        void Finish()
        {
            if (title is not null)
            {
                entries.Add(new BootMenuEntry([new MenuStep(entries.Count, title)], kernel, initrds.ToList(), args));
            }
        }

        foreach (string raw in text.Split('\n'))
        {
            Match m = Command().Match(raw);
            if (!m.Success)
            {
                continue;
            }

            string command = m.Groups[1].Value.ToLowerInvariant();
            string rest = m.Groups[2].Value.Trim();
            switch (command)
            {
                case "default":
                    // "default saved" needs GRUB legacy's own saved-default file; its first entry is the usual answer.
                    defaultEntry = int.TryParse(rest, out _) ? rest : "0";
                    break;
                case "title":
                    Finish();
                    (title, kernel, args) = (rest, null, "");
                    initrds.Clear();
                    break;
                case "kernel" when title is not null:
                    string[] words = rest.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    kernel = words.Length > 0 ? words[0] : null;
                    args = KernelArgs.Join(words.Skip(1));
                    break;
                case "initrd" when title is not null:
                    initrds.AddRange(rest.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Take(1));
                    break;
                default:
                    break;
            }
        }

        Finish();
        return new BootMenu(source, entries, defaultEntry);
    }

    // A keyword, then blanks or '=', then its argument; comments start with '#'.
    [GeneratedRegex(@"^\s*([A-Za-z]+)(?:\s*=\s*|\s+)(.*?)\s*$")]
    private static partial Regex Command();
}
