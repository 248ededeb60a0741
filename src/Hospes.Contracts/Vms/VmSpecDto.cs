namespace Hospes.Contracts.Vms;

/// <summary>
/// What a VM is, as the API shows it: the normalized form of a Xen config file. Paths are absolute; image references
/// ("image:NAME") stay symbolic. Its JSON is the API's, kept apart from the host's own model so that one cannot change
/// the other unseen (a test compares them).
/// </summary>
public sealed record VmSpecDto
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
    public IReadOnlyList<DiskSpecDto> Disks { get; init; } = [];
    public IReadOnlyList<VifSpecDto> Vifs { get; init; } = [];

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

    /// <summary>forkable = 1: the RAM is a shared file, so the VM can be forked (`hospes fork`).</summary>
    public bool Forkable { get; init; }

    /// <summary>ha = 1: in a cluster, started again on another host when this VM's host dies (shared storage only).</summary>
    public bool Ha { get; init; }

    /// <summary>USB devices on that controller, as QEMU names them: usb-tablet, usb-mouse, usb-kbd.</summary>
    public IReadOnlyList<string> UsbDevices { get; init; } = [];

    /// <summary>The emulated sound card (soundhw): hda, ac97 or es1370; null for none.</summary>
    public string? SoundHw { get; init; }

    /// <summary>The emulated graphics card (vga): std or cirrus; null for none.</summary>
    public string? Vga { get; init; }

    /// <summary>The display is reachable by VNC through hospesd (`hospes vnc`).</summary>
    public bool Vnc { get; init; }

    /// <summary>The config file this spec was read from, for messages; null when defined through the API.</summary>
    public string? SourcePath { get; init; }
}
