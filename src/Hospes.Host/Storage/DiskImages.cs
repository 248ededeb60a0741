using Hospes.Core.Errors;
using Hospes.Core.Operations;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Storage.QemuImg;
using Hospes.Core.Files;

namespace Hospes.Host.Storage;

/// <summary>`hospes image import` and `hospes image delete`: the store's read-only disk images, brought in from a file and removed.</summary>
internal sealed class DiskImages(VolumeStore store, IVmDirectory vms, IQemuImg img)
{
    private static readonly string[] ImportFormats = ["qcow2", "raw", "vmdk", "vdi", "vhdx", "vpc", "qed", "qcow"];

    /// <summary>
    /// Converts a disk image file into a qcow2 image in the store. The image must be whole: it may not name other files
    /// of the host (a backing file, an external data file, VMDK extents elsewhere), whose bytes the conversion would copy
    /// into the store; an overlay on one of the store's own read-only images is the one exception.
    /// </summary>
    /// <param name="format">The source's format; null lets qemu-img probe it (after Hospes read its header itself).</param>
    public async Task<Result<VolumeView>> ImportAsync(string path, string name, string? format, CancellationToken ct)
    {
        Result<string> valid = VolumeStore.ValidName(name, "image");
        if (!valid.IsOk)
        {
            return valid.Error;
        }

        if (!Path.IsPathRooted(path) || !File.Exists(path))
        {
            return HospesError.NotFound($"cannot import {path}: no such file (give an absolute path)");
        }

        if (format is { } given && !ImportFormats.Contains(given))
        {
            return HospesError.Invalid($"cannot import {path}: format '{given}' is not supported; use one of {string.Join(", ", ImportFormats)}");
        }

        if (await ImageHeader.NamesOtherFilesAsync(path, format, ct).ConfigureAwait(false) is { } names)
        {
            return Refused(path, names);
        }

        string sourceFormat;
        if (format is null)
        {
            Result<DetectedFormat> detected = await img.DetectAsync(path, ct).ConfigureAwait(false);
            if (!detected.IsOk)
            {
                return HospesError.Invalid($"cannot import {path}: {detected.Error.Message}");
            }

            sourceFormat = detected.Value.Format;
            if (!ImportFormats.Contains(sourceFormat))
            {
                return HospesError.Invalid($"cannot import {path}: qemu-img reads it as {sourceFormat}, which Hospes does not import; convert it to qcow2 or raw first, or say --source-format");
            }
        }
        else
        {
            sourceFormat = format;
        }

        Result<ImageFileInfo> probed = await img.InfoAsync(path, sourceFormat, ct).ConfigureAwait(false);
        if (!probed.IsOk)
        {
            return HospesError.Invalid($"cannot import {path}: {probed.Error.Message}");
        }

        Result<bool> checkedSource = await CheckSourceAsync(path, sourceFormat, format is not null, probed.Value, ct).ConfigureAwait(false);
        if (!checkedSource.IsOk)
        {
            return checkedSource.Error;
        }

        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (store.Find(VolumeKind.Image, name) is not null || Directory.Exists(store.Layout.ImageDir(name)))
            {
                return HospesError.Conflict($"an image named '{name}' already exists; choose another --name");
            }

            return await ConvertIntoStoreAsync(path, name, sourceFormat, probed.Value.VirtualSize, ct).ConfigureAwait(false);
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>Removes a disk image nothing depends on (no overlay of a VM or template, no VM using it read-only); answers it as it was.</summary>
    public async Task<Result<VolumeView>> DeleteAsync(string name, CancellationToken ct)
    {
        await store.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<VolumeRecord> all = store.All();
            VolumeRecord? v = all.FirstOrDefault(x => x.Kind == VolumeKind.Image && x.Name == name);
            if (v is null)
            {
                return HospesError.NotFound($"no disk image named '{name}'; `hospes image list` shows them (boot-only images such as tiny are rebuilt, not deleted)");
            }

            var users = all.Where(x => x.BackingId == v.Id)
                .Select(x => x.Vm is { } vm ? $"VM {vms.NameOf(vm)}" : VolumeStore.Handle(x))
                .Concat(vms.All.Where(a => a.Record.Spec.Disks.Any(d => d.Target == v.Path)).Select(a => $"VM {a.Record.Name}"))
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToList();
            if (users.Count > 0)
            {
                return HospesError.State($"cannot delete image {name}: {string.Join(", ", users)} depend(s) on it; delete those first");
            }

            VolumeView view = VolumeView.Of(v, all, vms);
            string dir = store.Layout.ImageDir(name);
            store.Db.InTransaction(t => t.DeleteVolume(v.Id));
            StoreFiles.DeleteQuietly(Path.GetDirectoryName(v.Path) == dir && !File.Exists(Path.Combine(dir, "image.json")) ? dir : v.Path);
            return view;
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>Refuses what would import badly: a file that names other files, is not what it is named, or has a corrupt table.</summary>
    private async Task<Result<bool>> CheckSourceAsync(string path, string format, bool formatGiven, ImageFileInfo probed, CancellationToken ct)
    {
        Result<bool> whole = Whole(path, probed);
        if (!whole.IsOk)
        {
            return whole.Error;
        }

        Result<bool> plausible = Plausible(path, format, formatGiven);
        if (!plausible.IsOk)
        {
            return plausible.Error;
        }

        // qemu-img convert reads what a damaged table points at as zeros and succeeds: check the source first.
        if (format is "qcow2" or "vdi" or "vhdx" or "qed" or "vmdk")
        {
            Result<CheckResult> sourceCheck = await img.CheckAsync(path, format, ct).ConfigureAwait(false);
            if (!sourceCheck.IsOk)
            {
                return HospesError.Invalid($"cannot import {path}: {sourceCheck.Error.Message}");
            }

            if (sourceCheck.Value.Corruptions > 0 || sourceCheck.Value.CheckErrors > 0)
            {
                return HospesError.Invalid($"cannot import {path}: the {format} image is corrupt ({sourceCheck.Value.Summary}); repair a copy with `qemu-img check -r all` and import that");
            }
        }

        return true;
    }

    /// <summary>
    /// The image holds its own data: no external data file, no extent in another file, and a backing file only when it
    /// is one of the store's read-only images (an image or a template disk) in the format the overlay names.
    /// </summary>
    private Result<bool> Whole(string path, ImageFileInfo probed)
    {
        if (probed.DataFile is { } dataFile)
        {
            return Refused(path, $"it is a qcow2 image whose data lives in an external data file ({dataFile})");
        }

        string self = Path.GetFullPath(path);
        if (probed.Extents.FirstOrDefault(e => Path.GetFullPath(e) != self) is { } extent)
        {
            return Refused(path, $"its data is in another file, the extent {extent}");
        }

        if (probed.BackingFile is not { } backingFile)
        {
            return true;
        }

        string resolved = Path.GetFullPath(probed.FullBackingFile ?? ResolveBacking(path, backingFile));
        VolumeRecord? storeBase = store.All().FirstOrDefault(v => v.Kind is VolumeKind.Image or VolumeKind.Template && v.Path == resolved);
        if (storeBase is null)
        {
            return File.Exists(resolved)
                ? Refused(path, $"it is an overlay on {backingFile}, which is not one of the store's images; its bytes would be copied into the store")
                : HospesError.Unavailable($"cannot import {path}: its backing file {backingFile} is missing, and only an overlay on one of the store's images can be imported; import a flattened copy (`qemu-img convert -O qcow2 {path} flat.qcow2` where the backing file is)");
        }

        return probed.BackingFormat == storeBase.Format
            ? true
            : Refused(path, $"it is an overlay on the store's {VolumeStore.Handle(storeBase)} but names its format as '{probed.BackingFormat ?? "none"}' (the store has {storeBase.Format}); set it with `qemu-img rebase -u -F {storeBase.Format} -b {resolved} {path}`");
    }

    private static HospesError Refused(string path, string why) =>
        HospesError.Invalid($"cannot import {path}: {why}; Hospes imports images that hold their own data only; flatten it into one file where you trust its sources (`qemu-img convert -O qcow2 {path} whole.qcow2`) and import that");

    /// <summary>Converts into a partial folder, checks and seals the result, then moves it in place and adds its row.</summary>
    private async Task<Result<VolumeView>> ConvertIntoStoreAsync(string path, string name, string format, long virtualSize, CancellationToken ct)
    {
        string final = store.Layout.ImageDir(name);
        string partial = final + StoreLayout.PartialSuffix;
        string made = Path.Combine(partial, "disk.qcow2");
        await using var revert = new Reverter();
        StoreFiles.DeleteQuietly(partial);
        Directory.CreateDirectory(partial);
        revert.Add(() => StoreFiles.DeleteQuietly(partial));
        Result<bool> converted = await img.ConvertAsync(path, format, made, "qcow2", ct).ConfigureAwait(false);
        if (!converted.IsOk)
        {
            return HospesError.Unavailable($"cannot import {path}: {converted.Error.Message}") with { Details = converted.Error.Details };
        }

        Result<CheckResult> check = await img.CheckAsync(made, "qcow2", ct).ConfigureAwait(false);
        if (!check.IsOk || !check.Value.Clean)
        {
            return HospesError.Invalid($"cannot import {path}: the converted image is not clean ({(check.IsOk ? check.Value.Summary : check.Error.Message)}); the source may be corrupt");
        }

        StoreFiles.MakeReadOnly(made);
        string checksum = await StoreFiles.Sha256Async(made, ct).ConfigureAwait(false);
        DurableFiles.MoveDirectory(partial, final);
        revert.Add(() => StoreFiles.DeleteQuietly(final));
        VolumeRecord? row = store.Db.InTransaction(t => t.TryInsertVolume(new VolumeRecord
        {
            Kind = VolumeKind.Image,
            Name = name,
            Path = Path.Combine(final, "disk.qcow2"),
            Format = "qcow2",
            VirtualSize = virtualSize,
            Checksum = checksum,
            CreatedAt = store.Time.GetUtcNow(),
        }));
        if (row is null)
        {
            return HospesError.Conflict($"the state DB already holds an image named '{name}'");
        }

        revert.Commit();
        return VolumeView.Of(row, store.All(), vms);
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
