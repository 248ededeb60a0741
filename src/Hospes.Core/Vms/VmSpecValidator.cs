using Hospes.Core.Errors;

namespace Hospes.Core.Vms;

/// <summary>
/// The one check of a VM spec, whatever its source: a config file (after the reader), a migration's offer, a save
/// file's header, the API. Pure over the spec and a <see cref="VmSpecPolicy"/>: names and vdevs that can never become
/// paths, values QEMU and the host tools are given (MACs, addresses, NIC models, machine, boot order, CPU lists, all
/// bounded), and host paths, block devices, PCI devices and host bridges only where the policy allows them. Every
/// problem is reported, not the first; each names the thing, the problem and the fix.
/// </summary>
public static partial class VmSpecValidator
{
    public const int MaxCpuWeight = 65535;

    /// <summary>Every problem of <paramref name="spec"/> under <paramref name="policy"/>; empty when it may be used.</summary>
    public static IReadOnlyList<SpecProblem> Validate(VmSpec spec, VmSpecPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var problems = new List<SpecProblem>();
        if (spec is null)
        {
            problems.Add(new("spec", "is missing; send the VM's spec"));
            return problems;
        }

        Identity(spec, problems);
        Memory(spec, problems);
        Cpus(spec, problems);
        Tuning(spec, policy, problems);
        Boot(spec, policy, problems);
        Disks(spec, policy, problems);
        Vifs(spec, policy, problems);
        Pci(spec, policy, problems);
        Platform(spec, problems);
        return problems;
    }

    /// <summary>The problems as one error (InvalidArgument, every problem in its details), or null when there are none.</summary>
    public static HospesError? Check(VmSpec spec, VmSpecPolicy policy)
    {
        IReadOnlyList<SpecProblem> problems = Validate(spec, policy);
        if (problems.Count == 0)
        {
            return null;
        }

        string more = problems.Count > 1 ? $" (and {problems.Count - 1} more problem(s), listed in the details)" : "";
        return new HospesError(ErrorCode.InvalidArgument, $"{policy.Origin}: {problems[0]}{more}") { Details = [.. problems.Select(p => p.ToString())] };
    }

    private static void Identity(VmSpec spec, List<SpecProblem> problems)
    {
        if (VmName.Validate(spec.Name ?? "") is { } problem)
        {
            problems.Add(new("name", $"{Shown(spec.Name)} is not a valid VM name: {problem}"));
        }

        if (spec.Uuid == Guid.Empty)
        {
            problems.Add(new("uuid", "is empty (all zeros); every VM needs a uuid of its own"));
        }
    }

    private static void Memory(VmSpec spec, List<SpecProblem> problems)
    {
        if (spec.MemoryMib < SpecRules.MinMemoryMib)
        {
            problems.Add(new("memory", $"{spec.MemoryMib} MiB is too little; a guest needs at least {SpecRules.MinMemoryMib} MiB, e.g. memory = 512"));
        }
        else if (spec.MaxMemoryMib < spec.MemoryMib)
        {
            problems.Add(new("maxmem", $"{spec.MaxMemoryMib} MiB is below memory ({spec.MemoryMib} MiB); raise maxmem to at least memory"));
        }
    }

    private static void Cpus(VmSpec spec, List<SpecProblem> problems)
    {
        if (spec.Vcpus is < 1 or > CpuList.MaxCpus)
        {
            problems.Add(new("vcpus", $"{spec.Vcpus} is not a usable number of virtual CPUs; give 1 to {CpuList.MaxCpus}"));
        }
        else if (spec.MaxVcpus < spec.Vcpus || spec.MaxVcpus > CpuList.MaxCpus)
        {
            problems.Add(new("maxvcpus", $"{spec.MaxVcpus} is not between vcpus ({spec.Vcpus}) and {CpuList.MaxCpus}; give a number in that range"));
        }

        if (spec.CpuAffinity is { } cpus && CpuList.ParsePlain(cpus) is null)
        {
            problems.Add(new("cpus", $"{Shown(cpus)} is not a list of host CPUs 0 to {CpuList.MaxCpus - 1}; write numbers and ranges, e.g. '0-3,6'"));
        }

        if (spec.CpuWeight is < 1 or > MaxCpuWeight)
        {
            problems.Add(new("cpu_weight", $"{spec.CpuWeight} is out of range; use 1 to {MaxCpuWeight} (256 is the default)"));
        }

        if (spec.CpuCap is < 0)
        {
            problems.Add(new("cpu_cap", $"{spec.CpuCap} is out of range; give a percentage of one CPU (100 = one full CPU) or 0 for no cap"));
        }
    }

    private static void Tuning(VmSpec spec, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (policy.HostTuning)
        {
            return;
        }

        if (spec.Accel != Accelerator.Auto)
        {
            problems.Add(new("accel", $"{spec.Accel.ToString().ToLowerInvariant()} chooses this host's accelerator, which {policy.Origin} may not; {policy.AllowTuning}"));
        }

        if (spec.CpuAffinity is not null)
        {
            problems.Add(new("cpus", $"'{spec.CpuAffinity}' pins the guest to this host's CPUs, which {policy.Origin} may not; {policy.AllowTuning}"));
        }
    }

    private static void Boot(VmSpec spec, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        Defined(spec.Boot, "type", "pv, pvh or hvm", problems);
        Defined(spec.Accel, "accel", "auto, kvm or tcg", problems);
        Defined(spec.OnPoweroff, "on_poweroff", "destroy, restart, preserve or rename-restart", problems);
        Defined(spec.OnReboot, "on_reboot", "destroy, restart, preserve or rename-restart", problems);
        Defined(spec.OnCrash, "on_crash", "destroy, restart, preserve or rename-restart", problems);
        BootFile("kernel", spec.Kernel, policy, problems);
        BootFile("ramdisk", spec.Ramdisk, policy, problems);
        if (spec.KernelCmdline is null)
        {
            problems.Add(new("kernel command line", "is missing; give \"\" for none"));
        }
        else if (spec.KernelCmdline.Contains('\0', StringComparison.Ordinal))
        {
            problems.Add(new("kernel command line", "contains a NUL character; a command line cannot hold one"));
        }

        if (SpecRules.ControlCharacter(spec.Bootloader) is { } c)
        {
            problems.Add(new("bootloader", $"contains the control character U+{(int)c:X4}; write bootloader = 'pygrub'"));
        }
        else if (spec.Boot != BootMode.Hvm && spec.Kernel is null && !SpecRules.IsPygrub(spec.Bootloader))
        {
            problems.Add(new("kernel", "is missing; a PV or PVH guest needs kernel= (or bootloader = 'pygrub'), or make it type = 'hvm'"));
        }

        if (spec.Machine is { } machine && !SpecRules.Machines.Contains(machine))
        {
            problems.Add(new("machine", $"{Shown(machine)} is not supported; use 'microvm', 'q35' or 'pc', or leave it out to let Hospes choose"));
        }

        if (spec.BootOrder is { } order && !SpecRules.IsBootOrder(order))
        {
            problems.Add(new("boot", $"{Shown(order)} is not a boot order; use the letters c (disk), d (cdrom) and n (network) once each, e.g. 'cd'"));
        }
    }

    private static void Platform(VmSpec spec, List<SpecProblem> problems)
    {
        if (spec.Firmware is { } firmware && firmware != SpecRules.Ovmf)
        {
            problems.Add(new("bios", $"{Shown(firmware)} is not a firmware Hospes has; use 'ovmf' for UEFI or leave it out for SeaBIOS"));
        }
        else if (spec.Firmware is not null && spec.Boot != BootMode.Hvm)
        {
            problems.Add(new("bios", $"{Shown(spec.Firmware)} needs type = 'hvm'; PV and PVH guests boot their kernel directly"));
        }

        if (!spec.Apic && spec.MaxVcpus > 1)
        {
            problems.Add(new("apic", $"apic = 0 leaves the guest without a local APIC, which only works with one vCPU; it has {spec.MaxVcpus}: set vcpus = 1 or remove apic = 0"));
        }

        if (spec.UsbDevices is null)
        {
            problems.Add(new("usbdevice", "is missing; give a list ([] for none)"));
        }
        else
        {
            foreach (string device in spec.UsbDevices.Where(d => d is null || !SpecRules.UsbDevices.Contains(d)))
            {
                problems.Add(new("usbdevice", $"{Shown(device)} is not a USB device Hospes gives; use usb-tablet, usb-mouse or usb-kbd"));
            }

            if (spec.UsbDevices.Count > 0 && !spec.Usb)
            {
                problems.Add(new("usb", "is off but USB devices are listed; set usb = 1 or remove the devices"));
            }
        }

        if (spec.SoundHw is { } sound && !SpecRules.SoundCards.Contains(sound))
        {
            problems.Add(new("soundhw", $"{Shown(sound)} is not a sound card Hospes gives; use hda, ac97 or es1370"));
        }

        Display(spec, problems);
    }

    private static void Display(VmSpec spec, List<SpecProblem> problems)
    {
        if (spec.Vga is { } vga && !SpecRules.VgaCards.Contains(vga))
        {
            problems.Add(new("vga", $"{Shown(vga)} is not a graphics card Hospes gives; use std or cirrus, or leave it out for none"));
        }
        else if (spec.Vga is not null && spec.Boot != BootMode.Hvm)
        {
            problems.Add(new("vga", "needs type = 'hvm'; PV and PVH guests have no graphics card (use hospes console)"));
        }

        if (spec.Vnc && spec.Vga is null)
        {
            problems.Add(new("vnc", "needs a graphics card; set vga = 'std' (HVM guests) or vnc = 0"));
        }
    }

    private static void BootFile(string key, string? path, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        if (path is null)
        {
            return;
        }

        if (SpecRules.IsImageReference(path))
        {
            ImageReference(key, "", path, policy, problems);
        }
        else
        {
            HostPath(key, "", path, policy, problems);
        }
    }

    private static void ImageReference(string subject, string what, string reference, VmSpecPolicy policy, List<SpecProblem> problems)
    {
        string name = reference[SpecRules.ImagePrefix.Length..];
        if (VmName.Validate(name) is { } problem)
        {
            problems.Add(new(subject, $"{what}{Shown(reference)} does not name a store image: {problem}"));
        }
        else if (policy.StoreNames is { } allowed && !allowed.Contains(name))
        {
            problems.Add(new(subject, $"{what}{Shown(reference)} is not an image or disk {policy.Origin} may use; {policy.AllowStore} (hospes acl set /images/{name} ... --role Operator), or use one `hospes image list` shows"));
        }
    }

    private static void Defined<T>(T value, string key, string known, List<SpecProblem> problems)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            problems.Add(new(key, $"{value} is not one of {known}"));
        }
    }

    /// <summary>How a value is quoted in messages; a missing one is "(none)".</summary>
    private static string Shown(string? value) => value is null ? "(none)" : $"'{value}'";
}
