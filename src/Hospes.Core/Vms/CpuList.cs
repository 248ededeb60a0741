using System.Globalization;
using System.Text;

namespace Hospes.Core.Vms;

/// <summary>
/// Host CPU lists. Xen's cpus syntax ("1", "0-3", "0,2-3", "all", "^1" exclusions) as configs write it, and the plain
/// cpulist a spec keeps ("0-1,3"). Every CPU number is below <see cref="MaxCpus"/>, so no list names more than that
/// many CPUs, whatever its ranges say ("0-2147483647" is refused, not counted to the end).
/// </summary>
public static class CpuList
{
    /// <summary>Far above any host; also the most vCPUs a guest may have.</summary>
    public const int MaxCpus = 4096;

    /// <summary>Adds the CPUs a Xen term list names to <paramref name="cpus"/>; returns what is wrong, or null.</summary>
    /// <param name="hostCpus">Needed when the text excludes CPUs from "all".</param>
    public static string? Parse(string text, int hostCpus, SortedSet<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(cpus);
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
            switch (TryRange(range, out int first, out int last))
            {
                case Range.TooHigh:
                    return $"'{term}' names CPUs beyond {MaxCpus - 1}; Hospes pins to host CPUs 0 to {MaxCpus - 1}";
                case Range.Malformed:
                    return $"'{term}' is not a CPU number or range; write e.g. '0-3,^1'";
            }

            (excluded ? exclude : include).UnionWith(Enumerable.Range(first, last - first + 1));
        }

        if (all || (include.Count == 0 && exclude.Count > 0))
        {
            include.UnionWith(Enumerable.Range(0, Math.Clamp(hostCpus, 1, MaxCpus)));
        }

        include.ExceptWith(exclude);
        if (include.Count == 0)
        {
            return "leaves no CPU to run on";
        }

        cpus.UnionWith(include);
        return null;
    }

    /// <summary>The CPUs of a plain cpulist ("0-1,3": numbers and ranges, no "all" or "^"); null when it is not one.</summary>
    public static IReadOnlyList<int>? ParsePlain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cpus = new SortedSet<int>();
        foreach (string term in text.Split(','))
        {
            if (TryRange(term.Trim(), out int first, out int last) != Range.Ok)
            {
                return null;
            }

            cpus.UnionWith(Enumerable.Range(first, last - first + 1));
        }

        return [.. cpus];
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

    private enum Range
    {
        Ok,
        Malformed,
        TooHigh,
    }

    private static Range TryRange(string range, out int first, out int last)
    {
        first = last = 0;
        int dash = range.IndexOf('-', StringComparison.Ordinal);
        string a = (dash < 0 ? range : range[..dash]).Trim();
        string b = (dash < 0 ? range : range[(dash + 1)..]).Trim();
        if (!IsNumber(a) || !IsNumber(b))
        {
            return Range.Malformed;
        }

        if (!TryCpu(a, out first) || !TryCpu(b, out last))
        {
            return Range.TooHigh;
        }

        return first <= last ? Range.Ok : Range.Malformed;
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    // Digits only (checked before): anything that does not parse below the bound is too high, however long.
    private static bool TryCpu(string digits, out int cpu) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu < MaxCpus;
}
