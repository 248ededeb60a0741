namespace Hospes.Storage.Bootloader;

/// <summary>A parsed boot menu: where it was read, its entries in order (submenus flattened) and its default.</summary>
internal sealed record BootMenu(string Source, IReadOnlyList<BootMenuEntry> Entries, string Default)
{
    /// <summary>
    /// The entry <paramref name="hint"/> names (a position such as "1" or "1&gt;0", a menu id, a title, or part of
    /// a title), or the menu's default without a hint. Null when nothing matches.
    /// </summary>
    public BootMenuEntry? Select(string? hint)
    {
        if (hint is null)
        {
            // GRUB falls back to the first entry when its default names nothing.
            return ByReference(Default) ?? (Entries.Count > 0 ? Entries[0] : null);
        }

        return ByReference(hint)
            ?? Entries.FirstOrDefault(e => e.Title.Contains(hint, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>GRUB 2's reference: one step per menu level, each a position, an id or a title ("1&gt;2").</summary>
    private BootMenuEntry? ByReference(string reference)
    {
        string[] steps = reference.Trim().Split('>');
        return Entries.FirstOrDefault(e => e.Path.Count == steps.Length && e.Path.Zip(steps).All(p => p.First.Matches(p.Second)));
    }
}
