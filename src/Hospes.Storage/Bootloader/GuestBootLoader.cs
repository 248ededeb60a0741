using Hospes.Core.Errors;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// What Xen's pygrub does for <c>bootloader = "pygrub"</c>: looks inside the guest's disk, reads its boot
/// menu and copies out the kernel and initrd to boot directly. Nothing is mounted and no loop device is used,
/// so it works in a container; only ext2/3/4 filesystems can be read (with debugfs).
/// </summary>
public sealed class GuestBootLoader
{
    public const string KernelFileName = "kernel";
    public const string InitrdFileName = "initrd";

    private readonly Img _img;

    public GuestBootLoader(Img? img = null)
    {
        _img = img ?? new Img();
    }

    /// <summary>False reads non-raw images by converting them, never through a FUSE export (for tests).</summary>
    internal bool PreferFuse { get; init; } = true;

    /// <summary>How much the guest's disk may make the search do (sizes, counts, time).</summary>
    public BootLimits Limits { get; init; } = new();

    /// <summary>
    /// Finds the guest's default boot entry (or the one <paramref name="entryHint"/> names: a position such as
    /// "0" or "1&gt;2", or part of a title) and copies its kernel and initrd into <paramref name="extractDir"/>
    /// as <see cref="KernelFileName"/> and <see cref="InitrdFileName"/>.
    /// </summary>
    /// <param name="format">The image format, or null to probe it.</param>
    public async Task<Result<GuestBootEntry>> FindAsync(
        string diskPath, string? format, string extractDir, string? entryHint, CancellationToken ct)
    {
        Directory.CreateDirectory(extractDir);
        Result<RawDisk> opened = await RawDisk.OpenAsync(_img, diskPath, format, extractDir, PreferFuse, ct).ConfigureAwait(false);
        if (!opened.IsOk)
        {
            return opened.Error;
        }

        await using RawDisk disk = opened.Value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Limits.Time);
        try
        {
            return await SearchAsync(disk, diskPath, extractDir, entryHint, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The tool that was running is killed (ToolProcess); nothing half-copied is left to boot.
            File.Delete(Path.Combine(extractDir, KernelFileName));
            File.Delete(Path.Combine(extractDir, InitrdFileName));
            return new HospesError(
                ErrorCode.Timeout,
                $"disk {diskPath}: finding the kernel took longer than {Limits.Time.TotalSeconds:0} s (a damaged or hostile filesystem?); give kernel= and ramdisk= in the config instead");
        }
    }

    private async Task<Result<GuestBootEntry>> SearchAsync(RawDisk disk, string diskPath, string extractDir, string? entryHint, CancellationToken ct)
    {
        var search = new DiskSearch(diskPath);
        IReadOnlyList<DiskPartition> partitions;
        await using (FileStream stream = new(disk.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            partitions = await PartitionTable.ReadAsync(stream, ct).ConfigureAwait(false);
            foreach (DiskPartition p in partitions.Take(Limits.Partitions))
            {
                search.Probed(p, await FilesystemProbe.ProbeAsync(stream, p.Offset, ct).ConfigureAwait(false));
            }
        }

        foreach ((DiskPartition p, string type) in search.Filesystems.Where(f => FilesystemProbe.IsExt(f.Type)).Take(Limits.Filesystems))
        {
            var fs = new ExtFilesystem(disk.Path, p.Offset, Limits);
            Result<BootChoice?> choice = await BootFiles.FindAsync(fs, entryHint, ct).ConfigureAwait(false);
            if (!choice.IsOk)
            {
                search.Problem(p, type, choice.Error.Message);
            }
            else if (choice.Value is { } c)
            {
                Result<GuestBootEntry> entry = await ExtractAsync(fs, c, p.Index, extractDir, ct).ConfigureAwait(false);
                if (entry.IsOk)
                {
                    return entry;
                }

                search.Problem(p, type, entry.Error.Message);
            }
        }

        return search.Failure();
    }

    private async Task<Result<GuestBootEntry>> ExtractAsync(
        ExtFilesystem fs, BootChoice choice, int partition, string extractDir, CancellationToken ct)
    {
        string kernel = Path.Combine(extractDir, KernelFileName);
        Result<long> dumped = await fs.DumpAsync(choice.Kernel, kernel, Limits.FileBytes, ct).ConfigureAwait(false);
        if (!dumped.IsOk)
        {
            return dumped.Error;
        }

        string? initrd = null;
        if (choice.Initrds.Count > 0)
        {
            initrd = Path.Combine(extractDir, InitrdFileName);
            Result<bool> joined = await ExtractInitrdsAsync(fs, choice.Initrds, initrd, Limits.TotalBytes - dumped.Value, ct).ConfigureAwait(false);
            if (!joined.IsOk)
            {
                return joined.Error;
            }
        }
        else
        {
            File.Delete(Path.Combine(extractDir, InitrdFileName));
        }

        return new GuestBootEntry(kernel, initrd, choice.Args, choice.Title, partition);
    }

    /// <summary>
    /// One initrd is copied as is. Several (microcode first, then the initramfs) are joined: the kernel reads
    /// concatenated cpio archives in order, which is what GRUB does with them too. Each is at most
    /// <see cref="BootLimits.FileBytes"/>, all of them together at most <paramref name="budget"/>.
    /// </summary>
    private async Task<Result<bool>> ExtractInitrdsAsync(ExtFilesystem fs, IReadOnlyList<string> initrds, string destination, long budget, CancellationToken ct)
    {
        if (initrds.Count == 1)
        {
            Result<long> one = await fs.DumpAsync(initrds[0], destination, Math.Min(Limits.FileBytes, budget), ct).ConfigureAwait(false);
            return one.IsOk ? true : one.Error;
        }

        string part = destination + ".part";
        try
        {
            await using FileStream output = new(destination, FileMode.Create, FileAccess.Write);
            foreach (string initrd in initrds)
            {
                Result<long> dumped = await fs.DumpAsync(initrd, part, Math.Min(Limits.FileBytes, budget), ct).ConfigureAwait(false);
                if (!dumped.IsOk)
                {
                    return dumped.Error;
                }

                budget -= dumped.Value;

                await using FileStream input = File.OpenRead(part);
                await input.CopyToAsync(output, ct).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            File.Delete(part);
        }
    }
}
