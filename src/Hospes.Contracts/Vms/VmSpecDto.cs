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

    /// <summary>The config file this spec was read from, for messages; null when defined through the API.</summary>
    public string? SourcePath { get; init; }
}
