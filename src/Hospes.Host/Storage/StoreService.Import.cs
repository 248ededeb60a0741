using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;

namespace Hospes.Host.Storage;

internal sealed partial class StoreService
{
    private static readonly string[] ImportFormats = ["qcow2", "raw", "vmdk", "vdi", "vhdx", "vpc", "qed", "qcow"];

    /// <summary>`hospes image import`: converts a disk image file into a qcow2 image in the store.</summary>
    public async Task<Result<VolumeInfo>> ImportAsync(ImageImportRequest request, CancellationToken ct)
    {
        Result<string> name = ValidName(request.Name, "image");
        if (!name.IsOk)
        {
            return name.Error;
        }

        if (!Path.IsPathRooted(request.Path) || !File.Exists(request.Path))
        {
            return HospesError.NotFound($"cannot import {request.Path}: no such file (give an absolute path)");
        }

        if (request.Format is { } given && !ImportFormats.Contains(given))
        {
            return HospesError.Invalid($"cannot import {request.Path}: format '{given}' is not supported; use one of {string.Join(", ", ImportFormats)}");
        }

        Result<ImageFileInfo> probed = await _img.InfoAsync(request.Path, ct).ConfigureAwait(false);
        if (!probed.IsOk)
        {
            return HospesError.Invalid($"cannot import {request.Path}: {probed.Error.Message}");
        }

        string format = request.Format ?? probed.Value.Format;
        Result<bool> plausible = Plausible(request.Path, format, request.Format is not null);
        if (!plausible.IsOk)
        {
            return plausible.Error;
        }

        // qemu-img convert reads what a damaged table points at as zeros and succeeds: check the source first.
        if (format is "qcow2" or "vdi" or "vhdx" or "qed" or "vmdk")
        {
            Result<CheckResult> sourceCheck = await _img.CheckAsync(request.Path, ct).ConfigureAwait(false);
            if (!sourceCheck.IsOk)
            {
                return HospesError.Invalid($"cannot import {request.Path}: {sourceCheck.Error.Message}");
            }

            if (sourceCheck.Value.Corruptions > 0 || sourceCheck.Value.CheckErrors > 0)
            {
                return HospesError.Invalid($"cannot import {request.Path}: the {format} image is corrupt ({sourceCheck.Value.Summary}); repair a copy with `qemu-img check -r all` and import that");
            }
        }

        if (probed.Value.BackingFile is { } backingFile && !File.Exists(ResolveBacking(request.Path, backingFile)))
        {
            return HospesError.Unavailable($"cannot import {request.Path}: its backing file {backingFile} is missing; import the image with its backing file next to it, or a flattened copy (`qemu-img convert`)");
        }

        await _store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_store.Find(VolumeKind.Image, request.Name) is not null || Directory.Exists(Layout.ImageDir(request.Name)))
            {
                return HospesError.Conflict($"an image named '{request.Name}' already exists; choose another --name");
            }

            string final = Layout.ImageDir(request.Name);
            string partial = final + StoreLayout.PartialSuffix;
            await using var revert = new Reverter();
            DeleteQuietly(partial);
            Directory.CreateDirectory(partial);
            revert.Add(() => DeleteQuietly(partial));
            Result<bool> converted = await _img.ConvertAsync(request.Path, format, Path.Combine(partial, "disk.qcow2"), "qcow2", ct).ConfigureAwait(false);
            if (!converted.IsOk)
            {
                return HospesError.Unavailable($"cannot import {request.Path}: {converted.Error.Message}") with { Details = converted.Error.Details };
            }

            string file = Path.Combine(final, "disk.qcow2");
            Result<CheckResult> check = await _img.CheckAsync(Path.Combine(partial, "disk.qcow2"), ct).ConfigureAwait(false);
            if (!check.IsOk || !check.Value.Clean)
            {
                return HospesError.Invalid($"cannot import {request.Path}: the converted image is not clean ({(check.IsOk ? check.Value.Summary : check.Error.Message)}); the source may be corrupt");
            }

            MakeReadOnly(Path.Combine(partial, "disk.qcow2"));
            string checksum = await Sha256Async(Path.Combine(partial, "disk.qcow2"), ct).ConfigureAwait(false);
            Directory.Move(partial, final);
            revert.Add(() => DeleteQuietly(final));
            VolumeRecord? row = _store.Db.InTransaction(t => t.TryInsertVolume(new VolumeRecord
            {
                Kind = VolumeKind.Image,
                Name = request.Name,
                Path = file,
                Format = "qcow2",
                VirtualSize = probed.Value.VirtualSize,
                Checksum = checksum,
                CreatedAt = _store.Time.GetUtcNow(),
            }));
            if (row is null)
            {
                return HospesError.Conflict($"the state DB already holds an image named '{request.Name}'");
            }

            revert.Commit();
            return Info(row, _store.All());
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    /// <summary>
    /// qemu-img calls anything it does not recognise raw: a file named .vmdk that probes as raw is corrupt or
    /// not what it says, and a raw image must at least be a whole number of 512-byte sectors.
    /// </summary>
    private static Result<bool> Plausible(string path, string format, bool formatGiven)
    {
        if (format != "raw" || formatGiven)
        {
            return true;
        }

        string ext = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        if (ext is "vmdk" or "vdi" or "vhdx" or "vhd" or "qcow2" or "qcow" or "qed")
        {
            return HospesError.Invalid($"cannot import {path}: it is named .{ext} but qemu-img does not recognise it as {ext} (it reads as raw data); the file is corrupt or not a disk image; if it really is a raw disk, say --source-format raw");
        }

        long length = new FileInfo(path).Length;
        if (length == 0 || length % 512 != 0)
        {
            return HospesError.Invalid($"cannot import {path}: it is not a disk image qemu-img knows, and as raw data its size ({length} bytes) is not a whole number of 512-byte sectors");
        }

        return true;
    }

    private static string ResolveBacking(string image, string backing) =>
        Path.IsPathRooted(backing) ? backing : Path.Combine(Path.GetDirectoryName(image)!, backing);
}
