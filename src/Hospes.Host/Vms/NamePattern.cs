using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Host.Vms;

/// <summary>The names of N new VMs from one pattern with {i} for 1..N (clone and fork), each checked.</summary>
internal static class NamePattern
{
    /// <param name="noun">What each is ("clone", "fork"), for messages.</param>
    /// <param name="verb">What makes them ("cloning", "forking"), for messages.</param>
    public static Result<IReadOnlyList<string>> Expand(string pattern, int count, int max, string noun, string verb)
    {
        if (count < 1 || count > max)
        {
            return HospesError.Invalid($"--count {count} is out of range; give 1 to {max}");
        }

        if (count > 1 && !pattern.Contains("{i}", StringComparison.Ordinal))
        {
            return HospesError.Invalid($"{verb} {count} VMs needs a name pattern with {{i}} (e.g. '{pattern}-{{i}}'); '{pattern}' would name them all alike");
        }

        var names = Enumerable.Range(1, count).Select(i => pattern.Replace("{i}", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToList();
        // Every name, not the first: {i} grows, so the 100th name is longer than the first (#29).
        if (names.Select(n => (Name: n, Problem: VmName.Validate(n))).FirstOrDefault(n => n.Problem is not null) is { Problem: { } problem } bad)
        {
            return HospesError.Invalid($"{noun} name '{bad.Name}' is not valid: {problem}{(names.Count > 1 ? $"; shorten the pattern '{pattern}'" : "")}");
        }

        return names;
    }
}
