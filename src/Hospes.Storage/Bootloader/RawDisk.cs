using Hospes.Core.Errors;
using Img = Hospes.Storage.QemuImg.QemuImg;

namespace Hospes.Storage.Bootloader;

/// <summary>
/// A disk image's guest-visible bytes as a plain file, without loop devices or mounting a filesystem: a raw
/// image as it is; any other format through a FUSE export, or else converted to a sparse raw temp file.
/// </summary>
internal sealed class RawDisk : IAsyncDisposable
{
    /// <summary>Names of the scratch files (FUSE mountpoints, their pid files, converted copies) in the work folder.</summary>
    public const string ScratchPrefix = ".bootdisk-";

    private readonly FuseExport? _export;
    private readonly string? _tempFile;

    private RawDisk(string path, FuseExport? export, string? tempFile)
    {
        Path = path;
        _export = export;
        _tempFile = tempFile;
    }

    public string Path { get; }

    /// <summary>How the bytes are reached: "direct", "fuse" or "converted".</summary>
    public string Access => _export is not null ? "fuse" : _tempFile is not null ? "converted" : "direct";

    public static async Task<Result<RawDisk>> OpenAsync(
        Img img, string diskPath, string? format, string workDir, bool preferFuse, CancellationToken ct)
    {
        if (!File.Exists(diskPath))
        {
            return HospesError.NotFound($"disk {diskPath} does not exist; check the path in the config");
        }

        if (format is null)
        {
            Result<Hospes.Storage.QemuImg.DetectedFormat> detected = await img.DetectAsync(diskPath, ct).ConfigureAwait(false);
            if (!detected.IsOk)
            {
                return detected.Error;
            }

            format = detected.Value.Format;
        }

        if (format == "raw")
        {
            return new RawDisk(diskPath, null, null);
        }

        string name = System.IO.Path.Combine(workDir, $"{ScratchPrefix}{System.IO.Path.GetRandomFileName()}");
        if (preferFuse && FuseExport.Available)
        {
            Result<FuseExport> export = await FuseExport.StartAsync(diskPath, format, name, ct).ConfigureAwait(false);
            if (export.IsOk)
            {
                return new RawDisk(export.Value.Path, export.Value, null);
            }

            // No FUSE here after all (no mount rights, old QEMU): a copy works everywhere.
        }

        string raw = name + ".raw";
        Result<bool> converted = await img.ConvertAsync(diskPath, format, raw, "raw", ct).ConfigureAwait(false);
        return converted.IsOk ? new RawDisk(raw, null, raw) : converted.Error;
    }

    public async ValueTask DisposeAsync()
    {
        if (_export is not null)
        {
            await _export.DisposeAsync().ConfigureAwait(false);
        }

        if (_tempFile is not null)
        {
            File.Delete(_tempFile);
        }
    }
}
