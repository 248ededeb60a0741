using Hospes.Storage.QemuImg;

namespace Hospes.Testing.Fakes;

/// <summary>What <see cref="FakeQemuImg"/> knows of one image file: what qemu-img info would say of it.</summary>
public sealed record FakeImage(string Format, long VirtualSize)
{
    public string? BackingFile { get; init; }

    public string? BackingFormat { get; init; }

    public IReadOnlyList<ImageSnapshot> Snapshots { get; init; } = [];

    /// <summary>qemu-img check finds a corruption in it.</summary>
    public bool Corrupt { get; init; }

    /// <summary>A qcow2's external data file.</summary>
    public string? DataFile { get; init; }

    /// <summary>The files a VMDK's data is in.</summary>
    public IReadOnlyList<string> Extents { get; init; } = [];
}
