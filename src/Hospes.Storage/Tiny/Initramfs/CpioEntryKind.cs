namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>The file types the initramfs needs, with their S_IFMT bits.</summary>
internal enum CpioEntryKind
{
    Directory = 0x4000,
    File = 0x8000,
    Symlink = 0xA000,
    CharDevice = 0x2000,
}
