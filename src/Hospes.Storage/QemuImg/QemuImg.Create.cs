using System.Globalization;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.QemuImg;

public sealed partial class QemuImg
{
    /// <summary>Creates an empty image; an existing file is refused, never overwritten.</summary>
    public async Task<Result<bool>> CreateAsync(string path, string format, long sizeBytes, CancellationToken ct)
    {
        if (File.Exists(path))
        {
            return HospesError.Conflict($"qemu-img create {path}: the file exists; choose another path or delete it first");
        }

        return Done(await RunAsync("create", path, ["create", "-q", "-f", format, path, Bytes(sizeBytes)], MetadataLimit, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Creates a qcow2 overlay on <paramref name="backingPath"/>, which is written into the overlay as given:
    /// callers pass an absolute path unless the pair must move together.
    /// </summary>
    public async Task<Result<bool>> CreateOverlayAsync(string path, string backingPath, string backingFormat, CancellationToken ct)
    {
        if (File.Exists(path))
        {
            return HospesError.Conflict($"qemu-img create {path}: the file exists; choose another path or delete it first");
        }

        return Done(await RunAsync("create", path, ["create", "-q", "-f", "qcow2", "-b", backingPath, "-F", backingFormat, path], MetadataLimit, ct)
            .ConfigureAwait(false));
    }

    /// <summary>Grows the image. Shrinking cuts off guest data and is refused.</summary>
    public Task<Result<bool>> ResizeAsync(string path, string format, long newSizeBytes, CancellationToken ct) =>
        ResizeAsync(path, format, newSizeBytes, allowShrink: false, ct);

    public async Task<Result<bool>> ResizeAsync(string path, string format, long newSizeBytes, bool allowShrink, CancellationToken ct)
    {
        Result<ImageFileInfo> info = await InfoAsync(path, format, ct).ConfigureAwait(false);
        if (!info.IsOk)
        {
            return info.Error;
        }

        long current = info.Value.VirtualSize;
        if (newSizeBytes < current && !allowShrink)
        {
            return HospesError.Invalid(
                $"qemu-img resize {path}: the image is {current} bytes; shrinking it to {newSizeBytes} bytes would cut off the guest's data; give a size of at least {current} bytes");
        }

        List<string> args = ["resize", "-q", "-f", format];
        if (newSizeBytes < current)
        {
            args.Add("--shrink");
        }

        args.AddRange([path, Bytes(newSizeBytes)]);
        return Done(await RunAsync("resize", path, args, MetadataLimit, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Points a qcow2 image at another backing file. Safe mode copies the differences, so the guest sees the
    /// same data; unsafe mode only rewrites the name (for a backing file that moved).
    /// </summary>
    public async Task<Result<bool>> RebaseAsync(string path, string newBacking, string backingFormat, bool unsafeRebase, CancellationToken ct)
    {
        List<string> args = ["rebase", "-q", "-f", "qcow2", "-b", newBacking, "-F", backingFormat];
        if (unsafeRebase)
        {
            args.Add("-u");
        }

        args.Add(path);
        return Done(await RunAsync("rebase", path, args, MetadataLimit, ct).ConfigureAwait(false));
    }

    /// <summary>Writes an overlay's changes into its backing file; the overlay stays, now empty.</summary>
    public async Task<Result<bool>> CommitAsync(string path, CancellationToken ct) =>
        Done(await RunAsync("commit", path, ["commit", "-q", "-f", "qcow2", path], timeout: null, ct).ConfigureAwait(false));

    private static string Bytes(long size) => size.ToString(CultureInfo.InvariantCulture);

    private static Result<bool> Done(Result<ToolOutput> run) => run.IsOk ? true : run.Error;
}
