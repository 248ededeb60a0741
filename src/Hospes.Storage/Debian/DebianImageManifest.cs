namespace Hospes.Storage.Debian;

/// <summary>image.json of a Debian template. File names are relative to the image directory, so the store can move.</summary>
public sealed record DebianImageManifest
{
    public required string Name { get; init; }

    public string Kind { get; init; } = DebianGuest.ImageKind;

    /// <summary>The kernel copied out of the disk's /boot, for direct kernel boot.</summary>
    public string Kernel { get; init; } = DebianGuest.KernelFileName;

    public string Initrd { get; init; } = DebianGuest.InitrdFileName;

    public string Disk { get; init; } = DebianGuest.DiskFileName;

    public string DiskFormat { get; init; } = DebianGuest.DiskFormat;

    public required long DiskSizeBytes { get; init; }

    /// <summary>The root device the kernel is told about; also in <see cref="DefaultCmdline"/>.</summary>
    public string Root { get; init; } = DebianGuest.RootDevice;

    public string DefaultCmdline { get; init; } = DebianGuest.DefaultCmdline;

    public required string Release { get; init; }

    /// <summary>The kernel release, e.g. 6.1.0-50-cloud-amd64; /boot/vmlinuz-&lt;it&gt; in the disk.</summary>
    public required string KernelVersion { get; init; }

    public required string Mirror { get; init; }

    /// <summary>What the serial console prints when the guest is ready, after the hostname.</summary>
    public string LoginPrompt { get; init; } = DebianGuest.LoginPrompt;

    public required DateTimeOffset BuiltAt { get; init; }
}
