namespace Hospes.Storage.Bootloader;

/// <summary>
/// How much a guest's disk may make the boot loader do. Everything it reads there is the guest's to write: a menu of
/// a terabyte (sparse), variables that double at every line, submenus nested without end, a "kernel" as large as the
/// disk. Each is refused at its bound, and the whole search has a time limit that kills the tools it runs.
/// </summary>
public sealed record BootLimits
{
    /// <summary>grub.cfg, menu.lst, grubenv: checked before they are read. Generated menus are tens of KiB.</summary>
    public long MenuBytes { get; init; } = 1 << 20;

    /// <summary>The value of one variable the menu sets.</summary>
    public int ValueChars { get; init; } = 4096;

    /// <summary>All the text that variable expansion adds while one menu is read.</summary>
    public int ExpansionChars { get; init; } = 4 << 20;

    /// <summary>Blocks (menuentry, submenu, if, function) open inside one another.</summary>
    public int Depth { get; init; } = 32;

    /// <summary>The kernel, and each initrd: checked before they are copied out. A distribution's are tens of MiB.</summary>
    public long FileBytes { get; init; } = 512L << 20;

    /// <summary>Kernel and initrds together.</summary>
    public long TotalBytes { get; init; } = 1L << 30;

    /// <summary>Initrds of one entry (microcode, then the initramfs, is two).</summary>
    public int Initrds { get; init; } = 8;

    /// <summary>Partitions whose filesystem is probed, and ext filesystems searched for a menu, in boot order.</summary>
    public int Partitions { get; init; } = 128;

    public int Filesystems { get; init; } = 8;

    internal static string Bytes(long bytes) =>
        bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB"
        : bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB"
        : $"{bytes} bytes";

    /// <summary>The whole search once the disk is open: partitions probed, menus read, files copied out.</summary>
    public TimeSpan Time { get; init; } = TimeSpan.FromMinutes(2);
}
