using System.Globalization;
using System.Text;

namespace Hospes.Config.Reading.Cpus;

/// <summary>Xen's cpus syntax: "1", "0-3", "0,2-3", "all", "^1" exclusions; and the normalized cpulist form "0-1,3".</summary>
internal static class CpuList
{
    /// <summary>Adds the CPUs a term list names to <paramref name="cpus"/>; returns what is wrong, or null.</summary>
    /// <param name="hostCpus">Needed when the text excludes CPUs from "all".</param>
    public static string? Parse(string text, int hostCpus, SortedSet<int> cpus)
    {
        var include = new SortedSet<int>();
        var exclude = new SortedSet<int>();
        bool all = false;
        foreach (string raw in text.Split(','))
        {
            string term = raw.Trim();
            if (term.Length == 0)
            {
                return "has an empty entry; separate CPU numbers and ranges with single commas";
            }

            if (term.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                all = true;
                continue;
            }

            bool excluded = term.StartsWith('^');
            string range = excluded ? term[1..] : term;
            if (!TryRange(range, out int first, out int last))
            {
                return $"'{term}' is not a CPU number or range; write e.g. '0-3,^1'";
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                (excluded ? exclude : include).Add(cpu);
            }
        }

        if (all || (include.Count == 0 && exclude.Count > 0))
        {
            include.UnionWith(Enumerable.Range(0, Math.Max(hostCpus, 1)));
        }

        include.ExceptWith(exclude);
        if (include.Count == 0)
        {
            return "leaves no CPU to run on";
        }

        cpus.UnionWith(include);
        return null;
    }

    /// <summary>"0-1,3": runs of consecutive CPUs as ranges.</summary>
    public static string Format(IEnumerable<int> cpus)
    {
        var text = new StringBuilder();
        int[] sorted = [.. cpus.Order()];
        for (int i = 0; i < sorted.Length; i++)
        {
            int start = sorted[i];
            while (i + 1 < sorted.Length && sorted[i + 1] == sorted[i] + 1)
            {
                i++;
            }

            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(CultureInfo.InvariantCulture, $"{start}");
            if (sorted[i] != start)
            {
                text.Append(CultureInfo.InvariantCulture, $"-{sorted[i]}");
            }
        }

        return text.ToString();
    }

    private static bool TryRange(string range, out int first, out int last)
    {
        int dash = range.IndexOf('-', StringComparison.Ordinal);
        string a = dash < 0 ? range : range[..dash];
        string b = dash < 0 ? range : range[(dash + 1)..];
        last = 0;
        return TryCpu(a.Trim(), out first) && TryCpu(b.Trim(), out last) && first <= last;
    }

    // 4096 is far above any host; the bound keeps a typo from allocating a huge range.
    private static bool TryCpu(string text, out int cpu) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu < 4096;
}
