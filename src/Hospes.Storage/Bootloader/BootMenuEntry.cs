using System.Globalization;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// One entry of a guest's boot menu. <see cref="Path"/> leads to it through any submenus; <see cref="Kernel"/>
/// is null for entries that boot no Linux kernel (chainloader, firmware setup).
/// </summary>
internal sealed record BootMenuEntry(IReadOnlyList<MenuStep> Path, string? Kernel, IReadOnlyList<string> Initrds, string Args)
{
    public string Title => Path[^1].Title;

    /// <summary>The entry's position as GRUB's <c>default</c> writes it: "0", or "1&gt;2" inside a submenu.</summary>
    public string Id => string.Join('>', Path.Select(s => s.Position.ToString(CultureInfo.InvariantCulture)));
}
