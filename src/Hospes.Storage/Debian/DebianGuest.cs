namespace Hospes.Storage.Debian;

/// <summary>What a Debian template image promises its callers: its kind, where its root is, what its console prints.</summary>
public static class DebianGuest
{
    /// <summary>image.json's kind: a disk to clone, with a kernel and initrd beside it for direct boot.</summary>
    public const string ImageKind = "debian-template";

    public const string DefaultImageName = "debian";

    public const string DefaultRelease = "bookworm";

    public const long DefaultSizeBytes = 4L << 30;

    public const string DefaultHostname = "debian";

    /// <summary>Where debootstrap keeps the .debs it downloads, so a rebuild fetches only what changed.</summary>
    public const string DefaultCacheDir = "/var/cache/hospes/debootstrap";

    /// <summary>Used when the host's apt sources name no mirror for the release.</summary>
    public const string FallbackMirror = "http://deb.debian.org/debian";

    /// <summary>The root filesystem: the disk's first (only) partition, on virtio-blk.</summary>
    public const string RootDevice = "/dev/vda1";

    public const string RootLabel = "root";

    /// <summary>The kernel parameters the image boots with; quiet, because serial output is slow under TCG.</summary>
    public const string DefaultCmdline = "root=/dev/vda1 ro console=ttyS0 quiet";

    /// <summary>The getty on ttyS0 prints "&lt;hostname&gt; login:" once the guest is up.</summary>
    public const string LoginPrompt = "login:";

    public const string DiskFileName = "disk.qcow2";

    public const string DiskFormat = "qcow2";

    public const string KernelFileName = "vmlinuz";

    public const string InitrdFileName = "initrd.img";

    public const string ManifestFileName = "image.json";

    /// <summary>Installed on top of debootstrap's minbase; Recommends are not followed, which keeps the image small.</summary>
    public static IReadOnlyList<string> Packages { get; } =
    [
        "linux-image-cloud-amd64",
        "initramfs-tools",
        "zstd",
        "systemd-sysv",
        "udev",
        "dbus",
        "systemd-resolved",
        "openssh-server",
        "e2fsprogs",
        "iproute2",
        DebianPostFork.AgentPackage,
    ];
}
