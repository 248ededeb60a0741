using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Storage;
using Hospes.Storage.Images;

namespace Hospes.Host.Images;

/// <summary>The image API: list the store, build the tiny guest.</summary>
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
    public IReadOnlyList<ImageInfo> List()
    {
        var boot = _store.List().Select(ToInfo).ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (VolumeRecord v in _volumes.All().Where(v => v.Kind == VolumeKind.Image))
        {
            boot[v.Name] = WithDisk(boot.GetValueOrDefault(v.Name), v);
        }

        return [.. boot.Values.OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    public Result<ImageInfo> Find(string name)
    {
        Result<BootImage> image = _store.Find(name);
        VolumeRecord? disk = _volumes.Find(VolumeKind.Image, name);
        if (disk is not null)
        {
            return WithDisk(image.IsOk ? ToInfo(image.Value) : null, disk);
        }

        return image.IsOk ? ToInfo(image.Value) : image.Error;
    }

    private static ImageInfo WithDisk(ImageInfo? boot, VolumeRecord v) => (boot ?? new ImageInfo { Name = v.Name, Kind = "disk", BuiltAt = v.CreatedAt }) with
    {
        Disk = v.Path,
        VirtualSizeBytes = v.VirtualSize,
    };

    public async Task<Result<ImageBuildResponse>> BuildAsync(string kind, bool force, CancellationToken ct)
    {
        if (kind != "tiny")
        {
            return HospesError.Invalid($"cannot build image '{kind}': Hospes builds 'tiny' (the small test and demo guest)");
        }

        await _buildGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var log = new List<string>();
            var progress = new SynchronousProgress(log);
            var builder = new Hospes.Storage.Tiny.TinyImageBuilder(
                new Hospes.Storage.Tiny.TinyImageOptions { ImageDir = _store.DirectoryOf("tiny"), CacheDir = _options.PackageCacheDir },
                _time);
            var built = await builder.BuildAsync(force, progress, ct).ConfigureAwait(false);
            if (!built.IsOk)
            {
                return built.Error with { Details = log };
            }

            Result<ImageInfo> info = Find("tiny");
            return info.IsOk ? new ImageBuildResponse(info.Value, built.Value.Rebuilt, log) : info.Error;
        }
        finally
        {
            _buildGate.Release();
        }
    }

    public void Dispose() => _buildGate.Dispose();

    private static ImageInfo ToInfo(BootImage image) => new()
    {
        Name = image.Name,
        Kind = image.Kind,
        Kernel = image.Kernel,
        Initrd = image.Initrd,
        DefaultCmdline = image.DefaultCmdline,
        BuiltAt = image.BuiltAt,
    };

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
