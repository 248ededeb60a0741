namespace Hospes.Core.Vms;

/// <summary>
/// What a VM is, independent of where it runs: the normalized form of a Xen config file.
/// Paths are absolute; image references ("image:NAME") stay symbolic until the host resolves them.
/// </summary>
public sealed record VmSpec
{
    public required string Name { get; init; }
    public Guid Uuid { get; init; }
    public int MemoryMib { get; init; } = 128;
    public int MaxMemoryMib { get; init; } = 128;
    public int Vcpus { get; init; } = 1;
    public int MaxVcpus { get; init; } = 1;

    /// <summary>Host CPUs the vCPUs may run on, as a cpulist ("0-1,3"); null means any.</summary>
    public string? CpuAffinity { get; init; }
    public BootMode Boot { get; init; } = BootMode.Pv;
    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }

    /// <summary>The guest kernel command line as the config states it (root= + extra, or cmdline).</summary>
    public string KernelCmdline { get; init; } = "";
    public IReadOnlyList<DiskSpec> Disks { get; init; } = [];
    public IReadOnlyList<VifSpec> Vifs { get; init; } = [];

    /// <summary>PCI devices to pass through, normalized to DDDD:BB:DD.F.</summary>
    public IReadOnlyList<string> PciDevices { get; init; } = [];
    public LifecycleAction OnPoweroff { get; init; } = LifecycleAction.Destroy;
    public LifecycleAction OnReboot { get; init; } = LifecycleAction.Restart;
    public LifecycleAction OnCrash { get; init; } = LifecycleAction.Destroy;
    public int? CpuWeight { get; init; }
    public int? CpuCap { get; init; }
    public string? Bootloader { get; init; }
    public Accelerator Accel { get; init; } = Accelerator.Auto;

    /// <summary>QEMU machine type; null lets Hospes choose (microvm for PV-style, q35 otherwise).</summary>
    public string? Machine { get; init; }

    /// <summary>HVM boot order in xl's letters (c = disk, d = cdrom, n = network).</summary>
    public string? BootOrder { get; init; }

    /// <summary>HVM firmware: null is SeaBIOS (Xen's hvmloader + SeaBIOS), "ovmf" is UEFI (bios = 'ovmf').</summary>
    public string? Firmware { get; init; }

    /// <summary>localtime = 1: the guest's clock (RTC) runs on the host's local time, not UTC (Windows guests).</summary>
    public bool LocalTime { get; init; }

    /// <summary>acpi = 0 takes the ACPI tables away (a firmware-booted guest); true is what every guest has.</summary>
    public bool Acpi { get; init; } = true;

    /// <summary>apic = 0 takes the local APIC out of the virtual CPU (a one-vCPU guest only).</summary>
    public bool Apic { get; init; } = true;

    /// <summary>hpet = 0 takes the HPET timer away.</summary>
    public bool Hpet { get; init; } = true;

    /// <summary>usb = 1 (or any usbdevice): the guest gets a USB controller.</summary>
    public bool Usb { get; init; }

    /// <summary>
    /// forkable = 1 (Hospes): the guest's RAM is a shared file on tmpfs, so `hospes fork` can start copies that map it
    /// copy-on-write. Off by default: KSM cannot merge pages of a shared file.
    /// </summary>
    public bool Forkable { get; init; }

    /// <summary>
    /// ha = 1 (Hospes, issue 17): in a cluster, when this VM's host dies the cluster's leader starts it on another host
    /// (after the dead host has fenced it). Only for VMs whose disks are all on storage every host shares.
    /// </summary>
    public bool Ha { get; init; }

    /// <summary>USB devices on that controller, as QEMU names them: usb-tablet, usb-mouse, usb-kbd.</summary>
    public IReadOnlyList<string> UsbDevices { get; init; } = [];

    /// <summary>The emulated sound card (soundhw): hda, ac97 or es1370; null for none.</summary>
    public string? SoundHw { get; init; }

    /// <summary>The emulated graphics card of an HVM guest (xl's vga/stdvga): "std" or "cirrus"; null for none.</summary>
    public string? Vga { get; init; }

    /// <summary>vnc = 1: the display is served by VNC on a unix socket in the run dir, reached through hospesd (`hospes vnc`).</summary>
    public bool Vnc { get; init; }

    /// <summary>The config file this spec was read from, for messages; null when defined through the API.</summary>
    public string? SourcePath { get; init; }
}
