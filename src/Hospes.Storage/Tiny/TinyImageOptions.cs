namespace Hospes.Storage.Tiny;

/// <summary>Where the tiny image goes and where the Debian packages it is made from are kept.</summary>
public sealed record TinyImageOptions
{
    /// <summary>The image's directory, e.g. &lt;state&gt;/images/tiny; replaced as a whole by a rebuild.</summary>
    public required string ImageDir { get; init; }

    /// <summary>Downloaded .debs, reused while their version is current, e.g. /var/cache/hospes/debs.</summary>
    public required string CacheDir { get; init; }
}
