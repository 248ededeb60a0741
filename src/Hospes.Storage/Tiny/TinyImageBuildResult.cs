namespace Hospes.Storage.Tiny;

/// <summary>The image now in place in <paramref name="ImageDir"/>; <paramref name="Rebuilt"/> is false when the existing one was already current.</summary>
public sealed record TinyImageBuildResult(TinyImageManifest Manifest, bool Rebuilt, string ImageDir)
{
    public string KernelPath => Path.Combine(ImageDir, Manifest.Kernel);

    public string InitrdPath => Path.Combine(ImageDir, Manifest.Initrd);
}
