using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>Warns about keys no group read; runs last. Suggests a known key when one is a typo away.</summary>
internal sealed class UnknownKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        // Every group has asked for each key it knows by now, so the claimed keys are the known ones.
        string[] knownKeys = [.. context.Settings.Claimed];
        foreach (ConfigSetting setting in context.Settings.Unclaimed.ToList())
        {
            // The distance is at least the difference in length: only keys of a similar length are compared, so a
            // 100,000-letter key costs nothing (the full table would be quadratic).
            string? guess = knownKeys
                .Where(k => Math.Abs(k.Length - setting.Key.Length) <= 2)
                .Select(k => (Key: k, Distance: EditDistance(k, setting.Key)))
                .Where(x => x.Distance <= 2 && x.Distance < setting.Key.Length / 2 + 1)
                .OrderBy(x => x.Distance)
                .ThenBy(x => x.Key, StringComparer.Ordinal)
                .Select(x => x.Key)
                .FirstOrDefault();
            string hint = guess is null ? "" : $"; did you mean {guess}?";
            context.KeyWarning(setting, $"{setting.Key}: unknown key, ignored{hint}");
        }
    }

    // Optimal string alignment distance: a swap of two neighbouring letters ("vpcus") counts as one edit.
    private static int EditDistance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
