using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Storage;
using Hospes.Storage.Debian;
using Hospes.Storage.Images;

namespace Hospes.Host.Images;

/// <summary>`hospes image`: the boot and disk images of the store, listed and shown; tiny and debian images built.</summary>
internal sealed class ImageService : IDisposable
{
    private readonly HostOptions _options;
    private readonly ImageStore _store;
    private readonly VolumeStore _volumes;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _buildGate = new(1, 1);

    public ImageService(HostOptions options, ImageStore store, VolumeStore volumes, TimeProvider time)
    {
        _volumes = volumes;
        _options = options;
        _store = store;
        _time = time;
    }

    /// <summary>Boot images (a folder with image.json) and disk images (rows of the store), by name.</summary>
    public IReadOnlyList<ImageView> List()
    {
        var byName = _store.List().ToDictionary(b => b.Name, b => new ImageView(b.Name, b, null), StringComparer.Ordinal);
        foreach (VolumeRecord v in _volumes.All().Where(v => v.Kind == VolumeKind.Image))
        {
            byName[v.Name] = new ImageView(v.Name, byName.GetValueOrDefault(v.Name)?.Boot, v);
        }

        return [.. byName.Values.OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    public Result<ImageView> Find(string name)
    {
        Result<BootImage> image = _store.Find(name);
        VolumeRecord? disk = _volumes.Find(VolumeKind.Image, name);
        if (disk is not null)
        {
            return new ImageView(name, image.IsOk ? image.Value : null, disk);
        }

        return image.IsOk ? new ImageView(name, image.Value, null) : image.Error;
    }

    public async Task<Result<ImageBuilt>> BuildAsync(ImageBuild request, CancellationToken ct)
    {
        if (request.Kind is not ("tiny" or "debian"))
        {
            return HospesError.Invalid($"cannot build image '{request.Kind}': Hospes builds 'tiny' (the small test and demo guest) and 'debian' (a Debian template with a disk)");
        }

        await _buildGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var log = new List<string>();
            var progress = new SynchronousProgress(log);
            return request.Kind == "tiny"
                ? await BuildTinyAsync(request, log, progress, ct).ConfigureAwait(false)
                : await BuildDebianAsync(request, log, progress, ct).ConfigureAwait(false);
        }
        finally
        {
            _buildGate.Release();
        }
    }

    private async Task<Result<ImageBuilt>> BuildTinyAsync(ImageBuild request, List<string> log, IProgress<string> progress, CancellationToken ct)
    {
        string name = request.Name ?? "tiny";
        if ((Core.Vms.VmName.Validate(name) ?? VolumeStore.ReservedProblem(name)) is { } problem)
        {
            return HospesError.Invalid($"image name '{name}': {problem}");
        }

        string? flavour = request.Kernel switch
        {
            null or "cloud" => Hospes.Storage.Tiny.TinyImageOptions.CloudKernel,
            "generic" => Hospes.Storage.Tiny.TinyImageOptions.GenericKernel,
            _ => null,
        };
        if (flavour is null)
        {
            return HospesError.Invalid($"kernel '{request.Kernel}' is not known; use cloud (small, virtio only) or generic (also drives e1000 NICs)");
        }

        var builder = new Hospes.Storage.Tiny.TinyImageBuilder(
            new Hospes.Storage.Tiny.TinyImageOptions { ImageDir = _store.DirectoryOf(name), CacheDir = _options.PackageCacheDir, KernelFlavour = flavour },
            _time);
        var built = await builder.BuildAsync(request.Force, progress, ct).ConfigureAwait(false);
        if (!built.IsOk)
        {
            return built.Error with { Details = log };
        }

        Result<ImageView> info = Find(name);
        return info.IsOk ? new ImageBuilt(info.Value, built.Value.Rebuilt, log) : info.Error;
    }

    /// <summary>debootstrap → a qcow2 disk with GRUB menu, kernel and initrd, registered as a read-only image of the store.</summary>
    private async Task<Result<ImageBuilt>> BuildDebianAsync(ImageBuild request, List<string> log, IProgress<string> progress, CancellationToken ct)
    {
        string name = request.Name ?? DebianGuest.DefaultImageName;
        if ((Core.Vms.VmName.Validate(name) ?? VolumeStore.ReservedProblem(name)) is { } problem)
        {
            return HospesError.Invalid($"image name '{name}' is not valid: {problem}");
        }

        VolumeRecord? existing = _volumes.Find(VolumeKind.Image, name);
        if ((existing is not null || Directory.Exists(_store.DirectoryOf(name))) && !request.Force)
        {
            Result<ImageView> have = Find(name);
            return have.IsOk ? new ImageBuilt(have.Value, false, ["the image exists; --force rebuilds it"]) : have.Error;
        }

        if (existing is not null && _volumes.Dependents(existing.Id).Count > 0)
        {
            return HospesError.State($"cannot rebuild image {name}: {_volumes.Dependents(existing.Id).Count} disk(s) are overlays on it; build under another --name, or delete them first");
        }

        var builder = new DebianImageBuilder(
            new DebianImageOptions
            {
                ImageDir = _store.DirectoryOf(name),
                Release = request.Release ?? DebianGuest.DefaultRelease,
                SizeBytes = request.SizeBytes ?? DebianGuest.DefaultSizeBytes,
                CacheDir = Path.Combine(Path.GetDirectoryName(_options.PackageCacheDir) ?? "/var/cache/hospes", "debootstrap"),
            },
            _time);
        Result<DebianImageBuildResult> built = await builder.BuildAsync(progress, ct).ConfigureAwait(false);
        if (!built.IsOk)
        {
            return built.Error with { Details = log };
        }

        string disk = built.Value.DiskPath;
        StoreFiles.MakeReadOnly(disk);
        string checksum = await StoreFiles.Sha256Async(disk, ct).ConfigureAwait(false);

        _volumes.Db.InTransaction(tx =>
        {
            if (existing is not null)
            {
                tx.DeleteVolume(existing.Id);
            }

            _ = tx.TryInsertVolume(new VolumeRecord
            {
                Kind = VolumeKind.Image,
                Name = name,
                Path = disk,
                Format = built.Value.Manifest.DiskFormat,
                VirtualSize = built.Value.Manifest.DiskSizeBytes,
                Checksum = checksum,
                CreatedAt = _time.GetUtcNow(),
            }) ?? throw new HospesException(HospesError.Conflict($"the state DB already holds a volume at {disk}"));
        });
        Result<ImageView> info = Find(name);
        return info.IsOk ? new ImageBuilt(info.Value, true, log) : info.Error;
    }

    public void Dispose() => _buildGate.Dispose();

    /// <summary>Collects progress lines in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SynchronousProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
