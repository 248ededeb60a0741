namespace Hospes.Storage.Tiny;

/// <summary>Where the tiny image goes, where the Debian packages it is made from are kept, and which kernel it boots.</summary>
public sealed record TinyImageOptions
{
    /// <summary>Debian's cloud kernel: small and fast to boot, virtio only (no e1000).</summary>
    public const string CloudKernel = "cloud-amd64";

    /// <summary>Debian's generic kernel of the same ABI: slower to boot, but drives an emulated e1000 NIC.</summary>
    public const string GenericKernel = "amd64";

    /// <summary>The image's directory, e.g. &lt;state&gt;/images/tiny; replaced as a whole by a rebuild.</summary>
    public required string ImageDir { get; init; }

    /// <summary>Downloaded .debs, reused while their version is current, e.g. /var/cache/hospes/debs.</summary>
    public required string CacheDir { get; init; }

    /// <summary>The Debian kernel flavour: the kernel is the package linux-image-&lt;flavour&gt; depends on.</summary>
    public string KernelFlavour { get; init; } = CloudKernel;
}
