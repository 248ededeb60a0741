namespace Hospes.Storage.QemuImg;

/// <summary>What <c>qemu-img info</c> reports about one image file.</summary>
public sealed record ImageFileInfo
{
    /// <summary>The file name as qemu-img opened it.</summary>
    public required string Filename { get; init; }

    /// <summary>The format driver: qcow2, raw, vmdk, vdi, vhdx, vpc, ...</summary>
    public required string Format { get; init; }

    /// <summary>The disk size the guest sees, in bytes.</summary>
    public required long VirtualSize { get; init; }

    /// <summary>Bytes the file occupies on the host (allocated blocks), if known.</summary>
    public long? ActualSize { get; init; }

    /// <summary>The backing file as written in the image; may be relative to the image's folder.</summary>
    public string? BackingFile { get; init; }

    /// <summary>The backing file resolved by qemu-img (relative names are taken from the image's folder).</summary>
    public string? FullBackingFile { get; init; }

    public string? BackingFormat { get; init; }

    /// <summary>The images beneath this one, nearest first; empty without a backing file.</summary>
    public IReadOnlyList<ImageFileInfo> BackingChain { get; init; } = [];

    /// <summary>Internal snapshots (qcow2 only).</summary>
    public IReadOnlyList<ImageSnapshot> Snapshots { get; init; } = [];

    /// <summary>The image was not closed cleanly (a QEMU using it, or one that died).</summary>
    public bool Dirty { get; init; }

    /// <summary>qcow2 marked itself corrupt; it opens read-only until repaired.</summary>
    public bool Corrupt { get; init; }

    /// <summary>A qcow2's external data file: the guest's data lives in that other file, not in this one.</summary>
    public string? DataFile { get; init; }

    /// <summary>The files a VMDK's data is in (its extents), as qemu-img opened them; a single-file VMDK lists itself.</summary>
    public IReadOnlyList<string> Extents { get; init; } = [];
}
