using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>The VM being assembled while key groups read a config; becomes a <see cref="VmSpec"/> when error-free.</summary>
internal sealed class SpecDraft
{
    public string? Name { get; set; }
    public Guid Uuid { get; set; }
    public int MemoryMib { get; set; } = 128;
    public int MaxMemoryMib { get; set; } = 128;
    public int Vcpus { get; set; } = 1;
    public int MaxVcpus { get; set; } = 1;
    public string? CpuAffinity { get; set; }
    public BootMode Boot { get; set; } = BootMode.Pv;
    public string? Kernel { get; set; }
    public string? Ramdisk { get; set; }
    public string KernelCmdline { get; set; } = "";
    public List<DiskSpec> Disks { get; } = [];
    public List<VifSpec> Vifs { get; } = [];
    public List<string> PciDevices { get; } = [];
    public LifecycleAction OnPoweroff { get; set; } = LifecycleAction.Destroy;
    public LifecycleAction OnReboot { get; set; } = LifecycleAction.Restart;
    public LifecycleAction OnCrash { get; set; } = LifecycleAction.Destroy;
    public int? CpuWeight { get; set; }
    public int? CpuCap { get; set; }
    public string? Bootloader { get; set; }
    public Accelerator Accel { get; set; } = Accelerator.Auto;
    public string? Machine { get; set; }
    public string? BootOrder { get; set; }
    public string? Firmware { get; set; }
    public bool LocalTime { get; set; }
    public bool Acpi { get; set; } = true;
    public bool Apic { get; set; } = true;
    public bool Hpet { get; set; } = true;
    public bool Forkable { get; set; }
    public bool Ha { get; set; }
    public bool Usb { get; set; }
    public List<string> UsbDevices { get; } = [];
    public string? SoundHw { get; set; }
    public string? Vga { get; set; }
    public bool Vnc { get; set; }

    /// <summary>kernel was Xen's PV-GRUB: extra is its menu's path, not kernel parameters.</summary>
    public bool PvGrub { get; set; }

    public VmSpec ToSpec(string sourcePath) => new()
    {
        Name = Name ?? "",
        Uuid = Uuid,
        MemoryMib = MemoryMib,
        MaxMemoryMib = MaxMemoryMib,
        Vcpus = Vcpus,
        MaxVcpus = MaxVcpus,
        CpuAffinity = CpuAffinity,
        Boot = Boot,
        Kernel = Kernel,
        Ramdisk = Ramdisk,
        KernelCmdline = KernelCmdline,
        Disks = [.. Disks],
        Vifs = [.. Vifs],
        PciDevices = [.. PciDevices],
        OnPoweroff = OnPoweroff,
        OnReboot = OnReboot,
        OnCrash = OnCrash,
        CpuWeight = CpuWeight,
        CpuCap = CpuCap,
        Bootloader = Bootloader,
        Accel = Accel,
        Machine = Machine,
        BootOrder = BootOrder,
        Firmware = Firmware,
        LocalTime = LocalTime,
        Acpi = Acpi,
        Apic = Apic,
        Hpet = Hpet,
        Forkable = Forkable,
        Ha = Ha,
        Usb = Usb,
        UsbDevices = [.. UsbDevices],
        SoundHw = SoundHw,
        Vga = Vga,
        Vnc = Vnc,
        SourcePath = sourcePath,
    };
}
