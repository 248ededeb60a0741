using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Modules;

/// <summary>Orders modules so each comes after everything it depends on (insmod resolves no dependencies itself).</summary>
internal static class ModuleGraph
{
    /// <summary>
    /// The load order of <paramref name="roots"/> and their dependencies. Deterministic: roots in the given order,
    /// each module's dependencies in ordinal order, every module once.
    /// </summary>
    public static Result<IReadOnlyList<string>> LoadOrder(
        IEnumerable<string> roots, IReadOnlyDictionary<string, IReadOnlyList<string>> depends)
    {
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (string root in roots)
        {
            HospesError? error = Visit(root, neededBy: null, depends, order, done, path);
            if (error is not null)
            {
                return error;
            }
        }

        return order;
    }

    private static HospesError? Visit(
        string module,
        string? neededBy,
        IReadOnlyDictionary<string, IReadOnlyList<string>> depends,
        List<string> order,
        HashSet<string> done,
        List<string> path)
    {
        if (done.Contains(module))
        {
            return null;
        }

        if (path.Contains(module, StringComparer.Ordinal))
        {
            return HospesError.Unavailable(
                $"kernel modules depend on each other in a cycle: {string.Join(" -> ", path.SkipWhile(m => m != module))} -> {module}");
        }

        if (!depends.TryGetValue(module, out IReadOnlyList<string>? deps))
        {
            string who = neededBy is null ? "" : $" (needed by {neededBy})";
            return HospesError.NotFound($"kernel module {module}{who} is not in the kernel package");
        }

        path.Add(module);
        foreach (string dep in deps.Order(StringComparer.Ordinal))
        {
            HospesError? error = Visit(dep, module, depends, order, done, path);
            if (error is not null)
            {
                return error;
            }
        }

        path.RemoveAt(path.Count - 1);
        done.Add(module);
        order.Add(module);
        return null;
    }
}
