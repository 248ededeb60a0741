namespace Hospes.Storage.Debian;

/// <summary>The image now in place, with absolute paths to its files and how long the build took.</summary>
public sealed record DebianImageBuildResult(string ImageDir, DebianImageManifest Manifest, TimeSpan Elapsed)
{
    public string DiskPath => Path.Combine(ImageDir, Manifest.Disk);

    public string KernelPath => Path.Combine(ImageDir, Manifest.Kernel);

    public string InitrdPath => Path.Combine(ImageDir, Manifest.Initrd);
}
