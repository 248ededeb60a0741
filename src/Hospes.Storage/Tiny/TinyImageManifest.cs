namespace Hospes.Storage.Tiny;

/// <summary>image.json of the tiny image: what it is made of and how to boot it.</summary>
public sealed record TinyImageManifest
{
    /// <summary>The image directory's name, <see cref="TinyGuest.ImageName"/> unless the caller chose another directory.</summary>
    public string Name { get; init; } = TinyGuest.ImageName;

    /// <summary>File name of the kernel (bzImage) in the image directory; relative, so the store can move (images built before 2026-11-22 hold an absolute path, which still works).</summary>
    public required string Kernel { get; init; }

    /// <summary>File name of the gzip'd cpio initramfs in the image directory (relative, as <see cref="Kernel"/>).</summary>
    public required string Initrd { get; init; }

    /// <summary>The kernel release, e.g. 6.1.0-56-cloud-amd64.</summary>
    public required string KernelVersion { get; init; }

    /// <summary>Debian version of linux-image-&lt;KernelVersion&gt;, e.g. 6.1.192-2.</summary>
    public required string KernelPackageVersion { get; init; }

    /// <summary>Debian version of busybox-static.</summary>
    public required string BusyboxPackageVersion { get; init; }

    /// <summary>Debian version of dropbear-bin, the SSH server; null in images built before the guest had one.</summary>
    public string? DropbearPackageVersion { get; init; }

    /// <summary>Debian version of qemu-guest-agent (images built before the agent have none).</summary>
    public string? GuestAgentPackageVersion { get; init; }

    /// <summary>The Debian kernel flavour (<see cref="TinyImageOptions.KernelFlavour"/>).</summary>
    public string KernelFlavour { get; init; } = TinyImageOptions.CloudKernel;

    /// <summary>SHA-256 over everything the image is built from; a build with equal inputs is skipped.</summary>
    public required string InputsHash { get; init; }

    public string DefaultCmdline { get; init; } = TinyGuest.DefaultCmdline;

    public required DateTimeOffset BuiltAt { get; init; }
}
