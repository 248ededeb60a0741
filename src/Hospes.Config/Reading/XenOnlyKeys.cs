namespace Hospes.Config.Reading;

/// <summary>xl and xm keys that only mean something to Xen's hypervisor, device model or hotplug scripts.</summary>
internal static class XenOnlyKeys
{
    public static readonly IReadOnlyList<string> All =
    [
        // Security, pools and hypervisor tuning.
        "selinux", "seclabel", "init_seclabel", "pool", "shadow_memory", "hap", "oos", "nestedhvm", "altp2m", "altp2mhvm",
        "vpmu", "vnuma", "cpus_soft", "claim_mode", "max_grant_frames", "max_maptrack_frames", "max_grant_version",
        "max_event_channels", "nomigrate", "driver_domain", "e820_host", "iomem", "ioports", "irqs", "rdm", "rdm_mem_boundary",
        "dtdev", "device_tree", "passthrough", "tee", "vmtrace_buf_kb", "gic_version", "vuart", "xend_suspend_evtchn_compat",
        "cpuid", "mmio_hole", "ms_vm_genid", "tsc_mode", "timer_mode", "vpt_align", "hpet", "nx",
        // Platform and firmware.
        "xen_platform_pci", "viridian", "pae", "apic", "acpi", "acpi_s3", "acpi_s4", "acpi_laptop_slate", "acpi_firmware",
        "smbios_firmware", "firmware", "firmware_override", "bios", "bios_override", "localtime", "rtc_timeoffset",
        "vendor_device", "pvshim", "pvshim_path", "pvshim_cmdline", "pvshim_extra",
        // Device model and devices.
        "device_model", "device_model_version", "device_model_override", "device_model_stubdomain_override",
        "device_model_stubdomain_seclabel", "device_model_args", "device_model_args_pv", "device_model_args_hvm",
        "device_model_user", "dm_restrict", "stubdomain_kernel", "stubdomain_ramdisk", "stubdomain_memory",
        "vfb", "vkb", "vkb_device", "channel", "vtpm", "vscsi", "vdispl", "vsnd", "vusb", "usbctrl", "usbdev",
        "stdvga", "vga", "videoram", "usb", "usbdevice", "usbversion", "soundhw", "nographic", "keymap", "extra_hvm",
        "vnclisten", "vncdisplay", "vncunused", "vncpasswd", "vncconsole", "opengl", "gfx_passthru",
        "spice", "spicehost", "spiceport", "spicetls_port", "spicedisable_ticketing", "spicepasswd", "spiceagent_mouse",
        "spicevdagent", "spice_clipboard_sharing", "spiceusbredirection", "spice_image_compression", "spice_streaming_video",
        "pci_permissive", "pci_msitranslate", "pci_seize", "pci_power_mgmt",
        // Lifecycle events without a QEMU counterpart.
        "on_watchdog", "on_soft_reset", "on_xend_start", "on_xend_stop",
        // Bootloader details and xm-era keys.
        "bootloader_args", "bootloader_restrict", "bootloader_user", "bootargs", "cpu", "vcpu_avail", "blkif", "netif", "tpmif",
        "access_control", "security", "features", "s3_integrity", "machine_address_size", "suppress_spurious_page_faults",
        "ip", "netmask", "gateway", "hostname", "interface", "dhcp", "nfs_server", "nfs_root",
    ];
}
