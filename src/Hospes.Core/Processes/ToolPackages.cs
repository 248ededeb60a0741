namespace Hospes.Core.Processes;

/// <summary>The Debian package that provides each host tool Hospes runs, for "not installed" messages.</summary>
public static class ToolPackages
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        // Networks.
        ["ip"] = "iproute2",
        ["ss"] = "iproute2",
        ["nft"] = "nftables",
        ["dnsmasq"] = "dnsmasq-base",
        ["sysctl"] = "procps",
        ["socat"] = "socat",
        ["busybox"] = "busybox-static",

        // QEMU and images.
        ["qemu-system-x86_64"] = "qemu-system-x86",
        ["qemu-img"] = "qemu-utils",
        ["qemu-storage-daemon"] = "qemu-utils",
        ["qemu-io"] = "qemu-utils",
        ["debugfs"] = "e2fsprogs",
        ["mount"] = "mount",
        ["umount"] = "mount",
        ["mkfs.vfat"] = "dosfstools",
        ["mcopy"] = "mtools",
        ["ssh-keygen"] = "openssh-client",

        // Image builds.
        ["apt-get"] = "apt",
        ["apt-cache"] = "apt",
        ["dpkg-deb"] = "dpkg",
        ["debootstrap"] = "debootstrap",
        ["chroot"] = "coreutils",
    };

    /// <summary>The package for <paramref name="tool"/> (a name or a path), or null when Hospes does not know it.</summary>
    public static string? Of(string tool) => Packages.GetValueOrDefault(Path.GetFileName(tool));
}
