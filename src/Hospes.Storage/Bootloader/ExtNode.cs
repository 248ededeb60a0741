namespace Hospes.Storage.Bootloader;

/// <summary>A directory entry's kind, and a symlink's target as stored.</summary>
internal sealed record ExtNode(ExtNodeKind Kind, string? LinkTarget);
