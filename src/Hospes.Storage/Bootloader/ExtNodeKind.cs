namespace Hospes.Storage.Bootloader;

internal enum ExtNodeKind
{
    File,
    Directory,
    Symlink,
    Other,
}
