namespace Hospes.Storage.Tiny.Modules;

/// <summary>The drivers the tiny guest carries (their dependencies come along). /etc/rc loads only those whose device is present.</summary>
internal static class TinyModules
{
    /// <summary>Transports and drivers for the devices Hospes gives a guest; the build fails without any of them.</summary>
    public static IReadOnlyList<string> Required { get; } =
    [
        "virtio_ring", "virtio", "virtio_mmio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
        "virtio_blk", "virtio_net", "virtio_balloon", "virtio_console", "virtio_rng",
        "button", "evdev", "pvpanic", "pvpanic_mmio", "pvpanic_pci",
    ];

    /// <summary>
    /// Carried when the kernel has them: Debian's cloud kernel is built without e1000 (CONFIG_E1000 is not set);
    /// qemu_fw_cfg reads the SSH host key hospesd hands over (loaded in the background, after the ready marker);
    /// ata_piix, sr_mod and isofs read a CD-ROM on machine = 'pc' (PIIX IDE; the cloud kernel has no AHCI driver).
    /// </summary>
    public static IReadOnlyList<string> Optional { get; } = ["e1000", "qemu_fw_cfg", "ata_piix", "sr_mod", "isofs"];
}
