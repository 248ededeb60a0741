using Hospes.Core.Errors;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// Finds what one ext filesystem boots: the default (or hinted) entry of its GRUB 2 or GRUB legacy menu, or
/// Debian's /vmlinuz and /initrd.img links when it has no menu. The filesystem may be the root (paths under
/// /boot) or a separate /boot partition (the same paths without /boot).
/// </summary>
internal static class BootFiles
{
    private static readonly string[] Grub2Menus = ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", "/grub/grub.cfg", "/grub2/grub.cfg"];
    private static readonly string[] LegacyMenus = ["/boot/grub/menu.lst", "/boot/grub/grub.conf", "/grub/menu.lst", "/grub/grub.conf"];
    private static readonly (string Kernel, string Initrd)[] Links = [("/vmlinuz", "/initrd.img"), ("/boot/vmlinuz", "/boot/initrd.img")];

    /// <summary>The boot choice; null when the filesystem holds no menu and no kernel link.</summary>
    public static async Task<Result<BootChoice?>> FindAsync(ExtFilesystem fs, string? hint, CancellationToken ct)
    {
        Result<BootMenu?> menu = await ReadMenuAsync(fs, ct).ConfigureAwait(false);
        if (!menu.IsOk)
        {
            return menu.Error;
        }

        if (menu.Value is { } m)
        {
            return await ChooseAsync(fs, m, hint, ct).ConfigureAwait(false);
        }

        foreach ((string kernelLink, string initrdLink) in Links)
        {
            Result<string?> kernel = await fs.ResolveAsync(kernelLink, ct).ConfigureAwait(false);
            if (!kernel.IsOk)
            {
                return kernel.Error;
            }

            if (kernel.Value is not null)
            {
                Result<string?> initrd = await fs.ResolveAsync(initrdLink, ct).ConfigureAwait(false);
                if (!initrd.IsOk)
                {
                    return initrd.Error;
                }

                IReadOnlyList<string> initrds = initrd.Value is { } i ? [i] : [];
                return new BootChoice(kernel.Value, initrds, "", $"{kernelLink} (no boot menu)", kernelLink);
            }
        }

        return (BootChoice?)null;
    }

    private static async Task<Result<BootMenu?>> ReadMenuAsync(ExtFilesystem fs, CancellationToken ct)
    {
        foreach (string path in Grub2Menus)
        {
            Result<string?> text = await fs.ReadTextAsync(path, ct).ConfigureAwait(false);
            if (!text.IsOk || text.Value is not null)
            {
                if (!text.IsOk)
                {
                    return text.Error;
                }

                IReadOnlyDictionary<string, string> environment = await ReadEnvironmentAsync(fs, path, ct).ConfigureAwait(false);
                try
                {
                    return Grub2Menu.Parse(path, text.Value!, environment, fs.Limits);
                }
                catch (InvalidDataException e)
                {
                    return HospesError.Invalid($"{path}: {e.Message}; Hospes does not follow a menu past its bounds");
                }
            }
        }

        foreach (string path in LegacyMenus)
        {
            Result<string?> text = await fs.ReadTextAsync(path, ct).ConfigureAwait(false);
            if (!text.IsOk || text.Value is not null)
            {
                return text.IsOk ? GrubLegacyMenu.Parse(path, text.Value!) : text.Error;
            }
        }

        return (BootMenu?)null;
    }

    /// <summary>grubenv beside grub.cfg (saved_entry for GRUB_DEFAULT=saved); empty when unreadable.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> ReadEnvironmentAsync(ExtFilesystem fs, string menuPath, CancellationToken ct)
    {
        Result<string?> text = await fs.ReadTextAsync(GuestPath.Combine(GuestPath.Directory(menuPath), "grubenv"), ct).ConfigureAwait(false);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.IsOk && text.Value is { } t ? t.Split('\n') : [])
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && !line.StartsWith('#'))
            {
                environment[line[..eq]] = line[(eq + 1)..];
            }
        }

        return environment;
    }

    private static async Task<Result<BootChoice?>> ChooseAsync(ExtFilesystem fs, BootMenu menu, string? hint, CancellationToken ct)
    {
        string titles = string.Join(", ", menu.Entries.Select(e => $"{e.Id} '{e.Title}'"));
        BootMenuEntry? entry = menu.Select(hint);
        if (entry is null)
        {
            return hint is null
                ? HospesError.Invalid($"{menu.Source} has no menu entries; give kernel= and ramdisk= in the config instead")
                : HospesError.Invalid($"{menu.Source} has no entry '{hint}'; its entries are {titles}");
        }

        if (entry.Kernel is null)
        {
            return HospesError.Invalid(
                $"{menu.Source}: entry {entry.Id} '{entry.Title}' boots no Linux kernel; choose another entry (entries: {titles})");
        }

        Result<string?> kernel = await FindFileAsync(fs, entry.Kernel, ct).ConfigureAwait(false);
        if (!kernel.IsOk || kernel.Value is null)
        {
            return kernel.IsOk ? Missing(menu, entry, entry.Kernel) : kernel.Error;
        }

        if (entry.Initrds.Count > fs.Limits.Initrds)
        {
            return HospesError.Invalid(
                $"{menu.Source}: entry '{entry.Title}' names {entry.Initrds.Count} initrds; Hospes joins at most {fs.Limits.Initrds}");
        }

        var initrds = new List<string>();
        foreach (string initrd in entry.Initrds)
        {
            Result<string?> found = await FindFileAsync(fs, initrd, ct).ConfigureAwait(false);
            if (!found.IsOk || found.Value is null)
            {
                return found.IsOk ? Missing(menu, entry, initrd) : found.Error;
            }

            initrds.Add(found.Value);
        }

        return new BootChoice(kernel.Value, initrds, entry.Args, entry.Title, menu.Source);
    }

    private static HospesError Missing(BootMenu menu, BootMenuEntry entry, string path) =>
        HospesError.NotFound($"{menu.Source}: entry '{entry.Title}' names {path}, which is not in the filesystem");

    /// <summary>A menu path, tried as written and with /boot added or removed, for a separate /boot partition.</summary>
    private static async Task<Result<string?>> FindFileAsync(ExtFilesystem fs, string menuPath, CancellationToken ct)
    {
        string path = GuestPath.WithoutDevice(menuPath);
        string other = path.StartsWith("/boot/", StringComparison.Ordinal) ? path["/boot".Length..] : "/boot" + path;
        foreach (string candidate in (string[])[path, other])
        {
            Result<string?> resolved = await fs.ResolveAsync(candidate, ct).ConfigureAwait(false);
            if (!resolved.IsOk || resolved.Value is not null)
            {
                return resolved;
            }
        }

        return (string?)null;
    }
}
