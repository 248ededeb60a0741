using System.Diagnostics;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Storage.CloudInit;
using Hospes.Storage.Tiny;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Debian;

/// <summary>
/// Builds a Debian template image (`hospes image build debian`): debootstrap into a directory, configure it for cloning,
/// make an MBR+ext4 qcow2 disk of it, and copy its kernel and initrd beside the disk for direct boot. Works in a hidden
/// directory beside the image and swaps the result in at the end, so a failed or cancelled build leaves nothing behind.
/// </summary>
public sealed class DebianImageBuilder
{
    /// <summary>The smallest disk that holds the root filesystem with room to spare.</summary>
    public const long MinimumSizeBytes = 1L << 30;

    internal static readonly (string Tool, string Package)[] Tools =
    [
        ("debootstrap", "debootstrap"),
        ("sfdisk", "fdisk"),
        ("mkfs.ext4", "e2fsprogs"),
        ("qemu-img", "qemu-utils"),
        ("chroot", "coreutils"),
    ];

    private readonly DebianImageOptions _options;
    private readonly TimeProvider _time;

    public DebianImageBuilder(DebianImageOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public async Task<Result<DebianImageBuildResult>> BuildAsync(IProgress<string>? progress, CancellationToken ct)
    {
        if (Validate() is { } invalid)
        {
            return invalid;
        }

        Result<IReadOnlyDictionary<string, string>> tools = HostTool.FindAll(Tools, "building a Debian image");
        if (!tools.IsOk)
        {
            return tools.Error;
        }

        string imageDir = Path.GetFullPath(_options.ImageDir);
        string parent = Path.GetDirectoryName(imageDir) ?? throw new ArgumentException($"image directory {imageDir} has no parent");
        string mirror = _options.Mirror ?? AptSources.MirrorFor(_options.Release);
        var clock = Stopwatch.StartNew();
        string? work = null;
        try
        {
            Directory.CreateDirectory(parent);
            work = TempDirectory.CreateIn(parent, Path.GetFileName(imageDir) + ".build");
            Result<DebianImageManifest> built = await BuildInAsync(work, tools.Value, mirror, imageDir, progress, ct).ConfigureAwait(false);
            if (!built.IsOk)
            {
                return built.Error;
            }

            ImageInstaller.Install(Path.Combine(work, StagingName), imageDir);
            progress?.Report($"Debian {_options.Release} image ready in {imageDir} after {clock.Elapsed.TotalSeconds:F0} s");
            return new DebianImageBuildResult(imageDir, built.Value, clock.Elapsed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HospesError.Unavailable(
                $"cannot build the Debian image in {imageDir}: {e.Message}; check that its parent directory is writable and the disk has space");
        }
        finally
        {
            if (work is not null && await MountCleanup.DeleteAsync(work).ConfigureAwait(false) is { } stuck)
            {
                progress?.Report(stuck.Message);
            }
        }
    }

    /// <summary>The manifest in <paramref name="imageDir"/>, or null if there is none or it cannot be read.</summary>
    public static DebianImageManifest? ReadManifest(string imageDir)
    {
        string path = Path.Combine(imageDir, DebianGuest.ManifestFileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<DebianImageManifest>(File.ReadAllText(path), HospesJson.Options) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private const string StagingName = "image";

    private async Task<Result<DebianImageManifest>> BuildInAsync(
        string work, IReadOnlyDictionary<string, string> tools, string mirror, string imageDir, IProgress<string>? progress, CancellationToken ct)
    {
        string root = Path.Combine(work, "root");
        string staging = Path.Combine(work, StagingName);
        Directory.CreateDirectory(staging);

        progress?.Report($"debootstrap {_options.Release} from {mirror} (packages cached in {_options.CacheDir})");
        HospesError? error = await Debootstrap.RunAsync(
            tools["debootstrap"], root, _options.Release, mirror, _options.CacheDir, DebianGuest.Packages, ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        progress?.Report("configuring the root filesystem");
        Result<string> kernel = await DebianRootfs.ConfigureAsync(root, _options.Release, mirror, _options.Hostname, ct).ConfigureAwait(false);
        if (!kernel.IsOk)
        {
            return kernel.Error;
        }

        File.Copy(Path.Combine(root, "boot", "vmlinuz-" + kernel.Value), Path.Combine(staging, DebianGuest.KernelFileName));
        File.Copy(Path.Combine(root, "boot", "initrd.img-" + kernel.Value), Path.Combine(staging, DebianGuest.InitrdFileName));

        progress?.Report($"making the {_options.SizeBytes >> 20} MiB disk (MBR, ext4 root)");
        error = await DebianDisk.WriteAsync(tools, root, _options.SizeBytes, work, Path.Combine(staging, DebianGuest.DiskFileName), ct)
            .ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var manifest = new DebianImageManifest
        {
            Name = Path.GetFileName(imageDir),
            DiskSizeBytes = _options.SizeBytes,
            Release = _options.Release,
            KernelVersion = kernel.Value,
            Mirror = mirror,
            BuiltAt = _time.GetUtcNow(),
        };
        await File.WriteAllTextAsync(
            Path.Combine(staging, DebianGuest.ManifestFileName), JsonSerializer.Serialize(manifest, HospesJson.Indented), ct).ConfigureAwait(false);
        return manifest;
    }

    private HospesError? Validate()
    {
        List<string> problems = [];
        if (_options.SizeBytes < MinimumSizeBytes || _options.SizeBytes % (1 << 20) != 0)
        {
            problems.Add($"disk size {_options.SizeBytes} bytes must be a whole number of MiB and at least {MinimumSizeBytes >> 30} GiB, e.g. 4G");
        }

        if (_options.Release.Length == 0 || !_options.Release.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            problems.Add($"release '{_options.Release}' must be a Debian codename such as bookworm");
        }

        if (NoCloudIdentityValidator.Validate(new NoCloudIdentity { InstanceId = "template", Hostname = _options.Hostname }) is not null)
        {
            problems.Add($"hostname '{_options.Hostname}' must be dot-separated labels of letters, digits and '-'");
        }

        return problems.Count switch
        {
            0 => null,
            1 => HospesError.Invalid($"Debian image: {problems[0]}"),
            _ => HospesError.Invalid($"Debian image: {problems.Count} problems; the first: {problems[0]}") with { Details = problems },
        };
    }
}
