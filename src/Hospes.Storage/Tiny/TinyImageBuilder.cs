using System.Text.Json;
using System.Text.RegularExpressions;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Storage.Tiny.Agent;
using Hospes.Storage.Tiny.Apt;
using Hospes.Storage.Tiny.Ssh;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Tiny;

/// <summary>
/// Builds the tiny guest (`hospes image build tiny`): a Debian kernel (the cloud flavour unless told otherwise) plus an
/// initramfs of busybox-static, the virtio drivers, dropbear with its libraries and Hospes's boot scripts. Skips the work
/// when the inputs are unchanged; swaps the result in atomically.
/// </summary>
public sealed partial class TinyImageBuilder
{
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
        if (!Flavour().IsMatch(_options.KernelFlavour))
        {
            return HospesError.Invalid(
                $"kernel flavour '{_options.KernelFlavour}' is not a Debian kernel flavour; use {TinyImageOptions.CloudKernel} or {TinyImageOptions.GenericKernel}");
        }

        string metapackage = KernelPackagePrefix + _options.KernelFlavour;
        progress?.Report($"resolving {metapackage}, {BusyboxPackage}, {Dropbear.Package} and {GuestAgent.Package} with apt");
        Result<TinyInputs> inputs = await ResolveAsync(metapackage, ct).ConfigureAwait(false);
        if (!inputs.IsOk)
        {
            return inputs.Error;
        }

        TinyImageManifest? current = ReadManifest(imageDir);
        if (!force && current is not null && current.InputsHash == inputs.Value.Hash
            && File.Exists(Path.Combine(imageDir, current.Kernel)) && File.Exists(Path.Combine(imageDir, current.Initrd)))
        {
            progress?.Report($"tiny image in {imageDir} is up to date (kernel {current.KernelVersion})");
            return new TinyImageBuildResult(current, Rebuilt: false, imageDir);
        }

        try
        {
            return await RebuildAsync(inputs.Value, imageDir, cacheDir, progress, ct).ConfigureAwait(false);
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

    /// <summary>Every package version the image is made of, with four apt-cache runs (each reads the whole index).</summary>
    private static async Task<Result<TinyInputs>> ResolveAsync(string metapackage, CancellationToken ct)
    {
        Result<string> kernel = await AptClient.MetapackageTargetAsync(metapackage, KernelPackagePrefix, ct).ConfigureAwait(false);
        if (!kernel.IsOk)
        {
            return kernel.Error;
        }

        Result<IReadOnlyList<string>> ssh = await AptClient.DependencyNamesAsync(Dropbear.Package, ct).ConfigureAwait(false);
        if (!ssh.IsOk)
        {
            return ssh.Error;
        }

        Result<IReadOnlyList<string>> agent = await AptClient.DependencyNamesAsync(GuestAgent.Package, ct).ConfigureAwait(false);
        if (!agent.IsOk)
        {
            return agent.Error;
        }

        Result<IReadOnlyDictionary<string, DebPackage>> shown = await AptClient
            .ShowAllAsync([kernel.Value, BusyboxPackage, .. ssh.Value.Concat(agent.Value).Distinct(StringComparer.Ordinal).Where(p => p != kernel.Value && p != BusyboxPackage)], ct)
            .ConfigureAwait(false);
        if (!shown.IsOk)
        {
            return shown.Error;
        }

        Result<IReadOnlyList<DebPackage>> sshPackages = PackageClosure.Walk(Dropbear.Package, shown.Value);
        if (!sshPackages.IsOk)
        {
            return sshPackages.Error;
        }

        Result<IReadOnlyList<DebPackage>> agentPackages = PackageClosure.Walk(GuestAgent.Package, shown.Value, GuestAgent.NotNeeded);
        return agentPackages.IsOk
            ? new TinyInputs(shown.Value[kernel.Value], shown.Value[BusyboxPackage], sshPackages.Value, agentPackages.Value)
            : agentPackages.Error;
    }

    private async Task<Result<TinyImageBuildResult>> RebuildAsync(
        TinyInputs inputs, string imageDir, string cacheDir, IProgress<string>? progress, CancellationToken ct)
    {
        Result<IReadOnlyList<string>> debs = await AptClient.FetchAllAsync([inputs.Kernel, inputs.Busybox, .. inputs.Ssh, .. inputs.Agent], cacheDir, progress, ct)
            .ConfigureAwait(false);
        if (!debs.IsOk)
        {
            return debs.Error;
        }

        string parent = Path.GetDirectoryName(imageDir) ?? throw new ArgumentException($"image directory {imageDir} has no parent");
        Directory.CreateDirectory(parent);
        string work = TempDirectory.CreateIn(parent, Path.GetFileName(imageDir) + ".build");
        try
        {
            var packages = new TinyPackageFiles(
                debs.Value[0], debs.Value[1], debs.Value.Skip(2).Take(inputs.Ssh.Count).ToList(), debs.Value.Skip(2 + inputs.Ssh.Count).ToList());
            Result<TinyImageManifest> built = await TinyImageAssembler
                .AssembleAsync(work, inputs, packages, _options.KernelFlavour, imageDir, _time.GetUtcNow(), progress, ct)
                .ConfigureAwait(false);
            if (!built.IsOk)
            {
                return built.Error;
            }

            ImageInstaller.Install(Path.Combine(work, TinyImageAssembler.StagingName), imageDir);
            progress?.Report($"tiny image ready in {imageDir} (kernel {inputs.KernelVersion})");
            return new TinyImageBuildResult(built.Value, Rebuilt: true, imageDir);
        }
        finally
        {
            TempDirectory.TryDelete(work);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex Flavour();
}
