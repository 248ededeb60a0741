using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Storage.Tiny.Apt;
using Hospes.Storage.Tiny.Initramfs;
using Hospes.Storage.Tiny.Modules;
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
            Result<TinyImageManifest> built = await BuildInAsync(work, inputs, kernelDeb.Value, busyboxDeb.Value, imageDir, progress, ct)
                .ConfigureAwait(false);
            if (!built.IsOk)
            {
                return built.Error;
            }

            ImageInstaller.Install(Path.Combine(work, "image"), imageDir);
            progress?.Report($"tiny image ready in {imageDir} (kernel {inputs.KernelVersion})");
            return new TinyImageBuildResult(built.Value, Rebuilt: true);
        }
        finally
        {
            TempDirectory.TryDelete(work);
        }
    }

    /// <summary>Unpacks the packages under <paramref name="work"/> and assembles the image in work/image.</summary>
    private async Task<Result<TinyImageManifest>> BuildInAsync(
        string work, TinyInputs inputs, string kernelDeb, string busyboxDeb, string imageDir, IProgress<string>? progress, CancellationToken ct)
    {
        progress?.Report($"unpacking {inputs.Kernel.Name} and {BusyboxPackage}");
        string kernelRoot = Path.Combine(work, "kernel");
        string busyboxRoot = Path.Combine(work, "busybox");
        foreach ((string deb, string into) in ((string, string)[])[(kernelDeb, kernelRoot), (busyboxDeb, busyboxRoot)])
        {
            Result<ToolResult> unpack = await ToolRunner.RunAsync("dpkg-deb", ["-x", deb, into], null, ct).ConfigureAwait(false);
            if (!unpack.IsOk)
            {
                return unpack.Error;
            }

            if (!unpack.Value.Succeeded)
            {
                return HospesError.Unavailable($"cannot unpack {deb}: {unpack.Value.Complaint}; delete it so the next build downloads it again");
            }
        }

        string vmlinuz = Path.Combine(kernelRoot, "boot", "vmlinuz-" + inputs.KernelVersion);
        if (!File.Exists(vmlinuz))
        {
            return HospesError.Unavailable($"{inputs.Kernel.Name} {inputs.Kernel.Version} has no boot/vmlinuz-{inputs.KernelVersion}; is it a kernel image package?");
        }

        Result<ModuleSelection> modules = await ModuleSelector.SelectAsync(
            Path.Combine(kernelRoot, "lib", "modules", inputs.KernelVersion),
            inputs.Kernel.Name,
            inputs.KernelVersion,
            TinyModules.Required,
            TinyModules.Optional,
            ct).ConfigureAwait(false);
        if (!modules.IsOk)
        {
            return modules.Error;
        }

        string absent = modules.Value.Absent.Count == 0 ? "" : $"; not in this kernel: {string.Join(", ", modules.Value.Absent)}";
        progress?.Report($"modules: {string.Join(" ", modules.Value.Modules.Select(m => m.Name))}{absent}");

        string busybox = Path.Combine(busyboxRoot, "bin", "busybox");
        Result<ToolResult> list = await ToolRunner.RunAsync(busybox, ["--list-full"], null, ct).ConfigureAwait(false);
        if (!list.IsOk)
        {
            return list.Error;
        }

        if (!list.Value.Succeeded)
        {
            return HospesError.Unavailable($"{BusyboxPackage} {inputs.Busybox.Version}: busybox --list-full failed: {list.Value.Complaint}");
        }

        string[] applets = list.Value.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        InitramfsLayout layout = await TinyInitramfs.ComposeAsync(busybox, applets, inputs.KernelVersion, modules.Value, ct).ConfigureAwait(false);

        string staging = Path.Combine(work, "image");
        Directory.CreateDirectory(staging);
        progress?.Report("writing initramfs");
        long initrdSize = await TinyInitramfs.WriteAsync(layout, Path.Combine(staging, TinyGuest.InitrdFileName), ct).ConfigureAwait(false);
        File.Copy(vmlinuz, Path.Combine(staging, TinyGuest.KernelFileName));
        progress?.Report($"initramfs: {layout.Entries.Count()} entries, {initrdSize / 1024} KiB");

        var manifest = new TinyImageManifest
        {
            Kernel = Path.Combine(imageDir, TinyGuest.KernelFileName),
            Initrd = Path.Combine(imageDir, TinyGuest.InitrdFileName),
            KernelVersion = inputs.KernelVersion,
            KernelPackageVersion = inputs.Kernel.Version,
            BusyboxPackageVersion = inputs.Busybox.Version,
            InputsHash = inputs.Hash,
            BuiltAt = _time.GetUtcNow(),
        };
        var json = new FileStream(Path.Combine(staging, TinyGuest.ManifestFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true);
        await using (json.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(json, manifest, HospesJson.Indented, ct).ConfigureAwait(false);
        }

        return manifest;
    }
}
