using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Apt;

/// <summary>What apt would install with a package: it and its Pre-Depends and Depends, first alternatives, recursively.</summary>
internal static class PackageClosure
{
    /// <param name="known">The packages apt-cache showed, by name; every one the walk reaches must be there.</param>
    /// <param name="skip">Packages left out with what only they need (e.g. a Pre-Depends only maintainer scripts use).</param>
    /// <returns>The packages in name order, <paramref name="root"/> included.</returns>
    public static Result<IReadOnlyList<DebPackage>> Walk(string root, IReadOnlyDictionary<string, DebPackage> known, IReadOnlySet<string>? skip = null)
    {
        var found = new SortedDictionary<string, DebPackage>(StringComparer.Ordinal);
        var pending = new Queue<(string Name, string? NeededBy)>([(root, null)]);
        while (pending.TryDequeue(out (string Name, string? NeededBy) next))
        {
            if (found.ContainsKey(next.Name) || (skip?.Contains(next.Name) ?? false))
            {
                continue;
            }

            if (!known.TryGetValue(next.Name, out DebPackage? package))
            {
                string by = next.NeededBy is null ? "" : $" (needed by {next.NeededBy})";
                return HospesError.Unavailable(
                    $"cannot resolve {root} with its dependencies: apt has no installable package {next.Name}{by}; it may be virtual, which the tiny image builder does not resolve");
            }

            found[next.Name] = package;
            foreach (string dependency in DebControl.FirstAlternatives(package.PreDepends).Concat(DebControl.FirstAlternatives(package.Depends)))
            {
                pending.Enqueue((dependency, next.Name));
            }
        }

        return found.Values.ToList();
    }
}
