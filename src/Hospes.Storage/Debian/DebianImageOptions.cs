namespace Hospes.Storage.Debian;

/// <summary>Where a Debian template image goes and what it is built from (`hospes image build debian`).</summary>
public sealed record DebianImageOptions
{
    /// <summary>The image's directory, e.g. &lt;state&gt;/images/debian; replaced as a whole by a rebuild.</summary>
    public required string ImageDir { get; init; }

    public string Release { get; init; } = DebianGuest.DefaultRelease;

    /// <summary>The virtual disk's size; the root partition fills it.</summary>
    public long SizeBytes { get; init; } = DebianGuest.DefaultSizeBytes;

    /// <summary>debootstrap's package cache (--cache-dir), shared by all builds.</summary>
    public string CacheDir { get; init; } = DebianGuest.DefaultCacheDir;

    /// <summary>The Debian mirror; null takes the one the host's apt sources use for the release.</summary>
    public string? Mirror { get; init; }

    public string Hostname { get; init; } = DebianGuest.DefaultHostname;
}
