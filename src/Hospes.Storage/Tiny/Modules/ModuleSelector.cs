using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Modules;

/// <summary>
/// Picks the wanted modules and everything they depend on out of an unpacked kernel package. The package ships no
/// modules.dep, so dependencies come from each module's own .modinfo.
/// </summary>
internal static class ModuleSelector
{
    /// <param name="moduleRoot">The package's lib/modules/&lt;kernel version&gt; directory.</param>
    /// <param name="kernelPackage">Named in error messages.</param>
    public static async Task<Result<ModuleSelection>> SelectAsync(
        string moduleRoot,
        string kernelPackage,
        string kernelVersion,
        IReadOnlyList<string> required,
        IReadOnlyList<string> optional,
        CancellationToken ct)
    {
        if (!Directory.Exists(moduleRoot))
        {
            return HospesError.Unavailable($"{kernelPackage} has no {Path.GetFileName(moduleRoot)} module directory; is it a kernel image package?");
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var compressed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(moduleRoot, "*.ko*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".ko", StringComparison.Ordinal))
            {
                files.TryAdd(ModuleNames.OfFile(file), file);
            }
            else
            {
                compressed.Add(ModuleNames.OfFile(Path.GetFileNameWithoutExtension(file)));
            }
        }

        HashSet<string> builtin = await ReadBuiltinAsync(moduleRoot, ct).ConfigureAwait(false);
        var roots = new List<string>();
        var builtinWanted = new List<string>();
        var absent = new List<string>();
        foreach ((string module, bool isRequired) in required.Select(m => (m, true)).Concat(optional.Select(m => (m, false))))
        {
            if (files.ContainsKey(module))
            {
                roots.Add(module);
            }
            else if (builtin.Contains(module))
            {
                builtinWanted.Add(module);
            }
            else if (compressed.Contains(module))
            {
                return HospesError.Unavailable(
                    $"{kernelPackage} ships module {module} compressed, which the tiny image builder cannot load with insmod yet; use a kernel with uncompressed modules");
            }
            else if (isRequired)
            {
                return HospesError.Unavailable($"{kernelPackage} has no module {module} and does not build it in; the tiny guest needs it");
            }
            else
            {
                absent.Add(module);
            }
        }

        // Read .modinfo of the roots and, transitively, of what they depend on.
        var infos = new Dictionary<string, SelectedModule>(StringComparer.Ordinal);
        var pending = new Queue<string>(roots);
        while (pending.TryDequeue(out string? module))
        {
            if (infos.ContainsKey(module) || !files.TryGetValue(module, out string? path))
            {
                continue;
            }

            Result<ModInfo> info = await ModInfoReader.ReadAsync(path, ct).ConfigureAwait(false);
            if (!info.IsOk)
            {
                return info.Error;
            }

            if (!info.Value.Vermagic.StartsWith(kernelVersion + " ", StringComparison.Ordinal))
            {
                return HospesError.Unavailable(
                    $"{kernelPackage}: module {module} was built for '{info.Value.Vermagic}', not kernel {kernelVersion}; the package is damaged");
            }

            // Built-in dependencies are already satisfied (modpost normally leaves them out anyway).
            ModInfo trimmed = info.Value with { Name = module, Depends = [.. info.Value.Depends.Select(ModuleNames.Normalize).Where(d => !builtin.Contains(d))] };
            infos[module] = new SelectedModule(path, trimmed);
            foreach (string dep in trimmed.Depends)
            {
                pending.Enqueue(dep);
            }
        }

        Dictionary<string, IReadOnlyList<string>> depends = infos.ToDictionary(i => i.Key, i => i.Value.Info.Depends, StringComparer.Ordinal);
        Result<IReadOnlyList<string>> order = ModuleGraph.LoadOrder(roots, depends);
        if (!order.IsOk)
        {
            return order.Error with { Message = $"{kernelPackage}: {order.Error.Message}" };
        }

        var chains = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string root in roots)
        {
            chains[root] = ModuleGraph.LoadOrder([root], depends).Value;
        }

        return new ModuleSelection
        {
            Modules = [.. order.Value.Select(m => infos[m])],
            Chains = chains,
            Builtin = builtinWanted,
            Absent = absent,
        };
    }

    private static async Task<HashSet<string>> ReadBuiltinAsync(string moduleRoot, CancellationToken ct)
    {
        string path = Path.Combine(moduleRoot, "modules.builtin");
        if (!File.Exists(path))
        {
            return [];
        }

        string[] lines = await File.ReadAllLinesAsync(path, ct).ConfigureAwait(false);
        return new HashSet<string>(lines.Where(l => l.Length > 0).Select(ModuleNames.OfFile), StringComparer.Ordinal);
    }
}
