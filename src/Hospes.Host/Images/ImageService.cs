using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Storage.Images;

namespace Hospes.Host.Images;

/// <summary>The image API: list the store, build the tiny guest.</summary>
internal sealed class ImageService : IDisposable
{
    private readonly HostOptions _options;
    private readonly ImageStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _buildGate = new(1, 1);

    public ImageService(HostOptions options, ImageStore store, TimeProvider time)
    {
        _options = options;
        _store = store;
        _time = time;
    }

    public IReadOnlyList<ImageInfo> List() => [.. _store.List().Select(ToInfo)];

    public Result<ImageInfo> Find(string name)
    {
        Result<BootImage> image = _store.Find(name);
        return image.IsOk ? ToInfo(image.Value) : image.Error;
    }

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
            var builder = new Storage.Tiny.TinyImageBuilder(
                new Storage.Tiny.TinyImageOptions { ImageDir = _store.DirectoryOf("tiny"), CacheDir = _options.PackageCacheDir },
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
