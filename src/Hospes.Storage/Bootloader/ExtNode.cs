namespace Hospes.Storage.Bootloader;

/// <summary>A directory entry's kind, its size in bytes as the inode says, and a symlink's target as stored.</summary>
internal sealed record ExtNode(ExtNodeKind Kind, string? LinkTarget, long Size = 0);
