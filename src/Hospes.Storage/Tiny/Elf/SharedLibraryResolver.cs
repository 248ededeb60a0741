using Hospes.Core.Errors;

namespace Hospes.Storage.Tiny.Elf;

/// <summary>
/// Finds what a dynamically linked program needs to run in the guest: its loader and, through the DT_NEEDED entries,
/// every shared library, looked up in a tree of unpacked .debs. Only those files go into the initramfs.
/// </summary>
internal static class SharedLibraryResolver
{
    /// <summary>Every library lands here under its soname: the loader searches it without an ld.so.cache.</summary>
    public const string GuestLibraryDirectory = "lib/x86_64-linux-gnu";

    private const int Executable = 0b111_101_101; // 0755
    private const int Regular = 0b110_100_100; // 0644
    private const int MaxLinks = 16;

    // Debian's multiarch directories, then the classic ones, as the loader searches them.
    private static readonly string[] SearchDirectories = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib", "usr/lib"];

    /// <param name="root">Where the packages are unpacked (dpkg-deb -x of each into the same directory).</param>
    /// <param name="program">The program's path in the tree, e.g. usr/sbin/dropbear.</param>
    /// <param name="packages">Named in error messages: the packages unpacked in <paramref name="root"/>.</param>
    public static async Task<Result<IReadOnlyList<ProgramFile>>> ResolveAsync(string root, string program, string packages, CancellationToken ct)
    {
        string? programPath = Find(root, program);
        if (programPath is null)
        {
            return HospesError.Unavailable($"{packages} have no {program}; is the package still the one that ships it?");
        }

        Result<ElfDynamic> main = await ElfDynamicReader.ReadAsync(programPath, ct).ConfigureAwait(false);
        if (!main.IsOk)
        {
            return main.Error;
        }

        var files = new List<ProgramFile> { new(program, programPath, Executable) };
        var satisfied = new HashSet<string>(StringComparer.Ordinal);
        if (main.Value.Interpreter is { } interpreter)
        {
            string? loader = Find(root, interpreter);
            if (loader is null)
            {
                return HospesError.Unavailable($"{program} needs the loader {interpreter}, which none of {packages} ships; add the package that has it (libc6)");
            }

            Result<ElfDynamic> loaderInfo = await ElfDynamicReader.ReadAsync(loader, ct).ConfigureAwait(false);
            if (!loaderInfo.IsOk)
            {
                return loaderInfo.Error;
            }

            // libc names the loader in DT_NEEDED; the loader that runs the program satisfies that itself.
            files.Add(new ProgramFile(interpreter.TrimStart('/'), loader, Executable));
            satisfied.Add(Path.GetFileName(interpreter));
            if (loaderInfo.Value.Soname is { } soname)
            {
                satisfied.Add(soname);
            }
        }

        var pending = new Queue<(string Soname, string NeededBy)>(main.Value.Needed.Select(n => (n, program)));
        while (pending.TryDequeue(out (string Soname, string NeededBy) next))
        {
            if (!satisfied.Add(next.Soname))
            {
                continue;
            }

            string? library = SearchDirectories.Select(d => Find(root, $"{d}/{next.Soname}")).FirstOrDefault(p => p is not null);
            if (library is null)
            {
                return HospesError.Unavailable(
                    $"{program} needs {next.Soname} (through {next.NeededBy}), which none of {packages} ships; add the package that has it to their dependencies");
            }

            Result<ElfDynamic> info = await ElfDynamicReader.ReadAsync(library, ct).ConfigureAwait(false);
            if (!info.IsOk)
            {
                return info.Error;
            }

            files.Add(new ProgramFile($"{GuestLibraryDirectory}/{next.Soname}", library, Regular));
            foreach (string needed in info.Value.Needed)
            {
                pending.Enqueue((needed, next.Soname));
            }
        }

        return files;
    }

    /// <summary>The regular file at <paramref name="path"/> in the tree, following symlinks inside the tree (absolute ones included).</summary>
    private static string? Find(string root, string path)
    {
        string rootFull = Path.GetFullPath(root);
        string relative = path.TrimStart('/');
        for (int i = 0; i < MaxLinks; i++)
        {
            string full = Path.GetFullPath(Path.Combine(rootFull, relative));
            if (!full.StartsWith(rootFull + "/", StringComparison.Ordinal))
            {
                return null;
            }

            var file = new FileInfo(full);
            if (file.LinkTarget is not { } target)
            {
                return file.Exists ? full : null;
            }

            // An absolute target means the same path in the tree, not on the host.
            relative = target.StartsWith('/') ? target.TrimStart('/') : Path.GetRelativePath(rootFull, Path.Combine(Path.GetDirectoryName(full)!, target));
        }

        return null;
    }
}
