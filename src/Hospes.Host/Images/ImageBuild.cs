namespace Hospes.Host.Images;

/// <summary>`hospes image build KIND`: what to build and how.</summary>
/// <param name="Kind">tiny or debian.</param>
/// <param name="Name">The image's name in the store; the kind's name when null.</param>
/// <param name="Release">Debian release of a debian image (bookworm when null).</param>
/// <param name="Kernel">Kernel of a tiny image: cloud (when null; virtio only) or generic (also drives e1000 NICs).</param>
internal sealed record ImageBuild(string Kind, string? Name, bool Force, string? Release, long? SizeBytes, string? Kernel);

/// <summary>An image built, or found already built (<paramref name="Rebuilt"/> false), with what the build said.</summary>
internal sealed record ImageBuilt(ImageView Image, bool Rebuilt, IReadOnlyList<string> Log);
