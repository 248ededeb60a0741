using Hospes.Core.Errors;

namespace Hospes.Storage.QemuImg;

/// <summary>
/// What Hospes asks of qemu-img: the seam between the host and the image tool, so callers can be tested with a fake.
/// <see cref="QemuImg"/> runs the real one. Operations that change an image expect no VM to be using it.
/// Every operation names the image's format: a guest writes its own disk, and a raw disk whose first bytes a guest made
/// look like a qcow2 header must never be read as one. <see cref="DetectAsync"/> is the one probe, for files from
/// elsewhere whose format nobody gave.
/// </summary>
public interface IQemuImg
{
    /// <summary>Reads the image's size, backing file (as written; it is not opened) and snapshots, opened as <paramref name="format"/>; also reads images a running QEMU holds.</summary>
    Task<Result<ImageFileInfo>> InfoAsync(string path, string format, CancellationToken ct);

    /// <summary>The format qemu-img probes for an unknown file; a raw answer is flagged for the caller to decide.</summary>
    Task<Result<DetectedFormat>> DetectAsync(string path, CancellationToken ct);

    /// <summary>Checks an image's metadata without repairing it; corruptions or leaks are a result that is not clean.</summary>
    Task<Result<CheckResult>> CheckAsync(string path, string format, CancellationToken ct);

    /// <summary>Copies an image into a new file of <paramref name="dstFormat"/>; a failed or cancelled copy leaves nothing behind.</summary>
    Task<Result<bool>> ConvertAsync(string src, string srcFormat, string dst, string dstFormat, CancellationToken ct);

    /// <summary>Creates an empty image; an existing file is refused, never overwritten.</summary>
    Task<Result<bool>> CreateAsync(string path, string format, long sizeBytes, CancellationToken ct);

    /// <summary>Creates a qcow2 overlay on <paramref name="backingPath"/>, which is written into the overlay as given.</summary>
    Task<Result<bool>> CreateOverlayAsync(string path, string backingPath, string backingFormat, CancellationToken ct);

    /// <summary>Grows the image. Shrinking cuts off guest data and is refused.</summary>
    Task<Result<bool>> ResizeAsync(string path, string format, long newSizeBytes, CancellationToken ct);

    /// <summary>Resizes the image; shrinking only when <paramref name="allowShrink"/>.</summary>
    Task<Result<bool>> ResizeAsync(string path, string format, long newSizeBytes, bool allowShrink, CancellationToken ct);

    /// <summary>Points a qcow2 image at another backing file; unsafe mode only rewrites the name (for a backing file that moved).</summary>
    Task<Result<bool>> RebaseAsync(string path, string newBacking, string backingFormat, bool unsafeRebase, CancellationToken ct);

    /// <summary>Writes an overlay's changes into its backing file; the overlay stays, now empty.</summary>
    Task<Result<bool>> CommitAsync(string path, CancellationToken ct);

    /// <summary>Takes an internal qcow2 snapshot of a stopped image; a name already taken is refused.</summary>
    Task<Result<bool>> SnapshotCreateAsync(string path, string name, CancellationToken ct);

    /// <summary>The image's internal snapshots.</summary>
    Task<Result<IReadOnlyList<ImageSnapshot>>> SnapshotListAsync(string path, CancellationToken ct);

    /// <summary>Reverts the image's content to the snapshot; changes made since are lost.</summary>
    Task<Result<bool>> SnapshotApplyAsync(string path, string name, CancellationToken ct);

    /// <summary>Deletes the snapshot.</summary>
    Task<Result<bool>> SnapshotDeleteAsync(string path, string name, CancellationToken ct);
}
