using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Storage.Tiny.Apt;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Tiny;

/// <summary>
/// Builds the tiny guest (`hospes image build tiny`): Debian's cloud kernel plus an initramfs of busybox-static, the
/// virtio drivers and Hospes's boot scripts. Skips the work when the inputs are unchanged; swaps the result in atomically.
/// </summary>
public sealed class TinyImageBuilder
{
    internal const string KernelMetapackage = "linux-image-cloud-amd64";
    internal const string KernelPackagePrefix = "linux-image-";
    internal const string BusyboxPackage = "busybox-static";

    private readonly TinyImageOptions _options;
    private readonly TimeProvider _time;

    public TinyImageBuilder(TinyImageOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public async Task<Result<TinyImageBuildResult>> BuildAsync(bool force, IProgress<string>? progress, CancellationToken ct)
    {
        string imageDir = Path.GetFullPath(_options.ImageDir);
        string cacheDir = Path.GetFullPath(_options.CacheDir);

        progress?.Report($"resolving {KernelMetapackage} and {BusyboxPackage} with apt");
        Result<DebPackage> kernel = await AptClient.ResolveMetapackageAsync(KernelMetapackage, KernelPackagePrefix, ct).ConfigureAwait(false);
        if (!kernel.IsOk)
        {
            return kernel.Error;
        }

        Result<DebPackage> busybox = await AptClient.ShowAsync(BusyboxPackage, ct).ConfigureAwait(false);
        if (!busybox.IsOk)
        {
            return busybox.Error;
        }

        var inputs = new TinyInputs(kernel.Value, busybox.Value);
        TinyImageManifest? current = ReadManifest(imageDir);
        if (!force && current is not null && current.InputsHash == inputs.Hash && File.Exists(current.Kernel) && File.Exists(current.Initrd))
        {
            progress?.Report($"tiny image in {imageDir} is up to date (kernel {current.KernelVersion})");
            return new TinyImageBuildResult(current, Rebuilt: false);
        }

        try
        {
            return await RebuildAsync(inputs, imageDir, cacheDir, progress, ct).ConfigureAwait(false);
        }
        catch (HospesException e)
        {
            return e.Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable(
                $"cannot build the tiny image in {imageDir}: {e.Message}; check that its parent directory is writable and the disk has space");
        }
    }

    /// <summary>The manifest in <paramref name="imageDir"/>, or null if there is none or it cannot be read.</summary>
    public static TinyImageManifest? ReadManifest(string imageDir)
    {
        string path = Path.Combine(imageDir, TinyGuest.ManifestFileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<TinyImageManifest>(File.ReadAllText(path), HospesJson.Options) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<Result<TinyImageBuildResult>> RebuildAsync(
        TinyInputs inputs, string imageDir, string cacheDir, IProgress<string>? progress, CancellationToken ct)
    {
        Result<string> kernelDeb = await AptClient.FetchAsync(inputs.Kernel, cacheDir, progress, ct).ConfigureAwait(false);
        if (!kernelDeb.IsOk)
        {
            return kernelDeb.Error;
        }

        Result<string> busyboxDeb = await AptClient.FetchAsync(inputs.Busybox, cacheDir, progress, ct).ConfigureAwait(false);
        if (!busyboxDeb.IsOk)
        {
            return busyboxDeb.Error;
        }

        string parent = Path.GetDirectoryName(imageDir) ?? throw new ArgumentException($"image directory {imageDir} has no parent");
        Directory.CreateDirectory(parent);
        string work = TempDirectory.CreateIn(parent, Path.GetFileName(imageDir) + ".build");
        try
        {
            Result<TinyImageManifest> built = await TinyImageAssembler
                .AssembleAsync(work, inputs, kernelDeb.Value, busyboxDeb.Value, imageDir, _time.GetUtcNow(), progress, ct)
                .ConfigureAwait(false);
            if (!built.IsOk)
            {
                return built.Error;
            }

            ImageInstaller.Install(Path.Combine(work, TinyImageAssembler.StagingName), imageDir);
            progress?.Report($"tiny image ready in {imageDir} (kernel {inputs.KernelVersion})");
            return new TinyImageBuildResult(built.Value, Rebuilt: true);
        }
        finally
        {
            TempDirectory.TryDelete(work);
        }
    }
}
