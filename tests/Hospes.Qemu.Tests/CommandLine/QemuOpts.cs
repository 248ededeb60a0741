using System.Text;

namespace Hospes.Qemu.Tests.CommandLine;

/// <summary>
/// Reads an option string as QEMU's QemuOpts parser does (util/qemu-option.c, get_opt_name_value): a name runs to the
/// first '=' or ','; a value runs to the next single ',' with ",," a comma inside it; a first part with ',' before any
/// '=' is the implied key's value (returned with key ""); a later part without '=' is a flag ("on").
/// </summary>
internal static class QemuOpts
{
    public static IReadOnlyList<KeyValuePair<string, string>> Split(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        int pos = 0;
        while (pos < text.Length)
        {
            int end = text.IndexOfAny(['=', ','], pos);
            if (end < 0 || text[end] == ',')
            {
                if (pairs.Count == 0 && end != pos)
                {
                    pairs.Add(new("", ReadValue(text, ref pos)));
                    continue;
                }

                end = end < 0 ? text.Length : end;
                pairs.Add(new(text[pos..end], "on"));
                pos = end + 1;
                continue;
            }

            string name = text[pos..end];
            pos = end + 1;
            pairs.Add(new(name, ReadValue(text, ref pos)));
        }

        return pairs;
    }

    private static string ReadValue(string text, ref int pos)
    {
        var value = new StringBuilder();
        while (pos < text.Length)
        {
            if (text[pos] == ',')
            {
                if (pos + 1 < text.Length && text[pos + 1] == ',')
                {
                    value.Append(',');
                    pos += 2;
                    continue;
                }

                pos++;
                break;
            }

            value.Append(text[pos++]);
        }

        return value.ToString();
    }
}
