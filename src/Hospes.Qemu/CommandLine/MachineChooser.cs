using Hospes.Core.Errors;
using Hospes.Core.Vms;

namespace Hospes.Qemu.CommandLine;

/// <summary>
/// microvm boots PV-style guests fastest (no PCI, no firmware); anything that needs PCI, IDE or
/// firmware goes to q35.
/// </summary>
public static class MachineChooser
{
    public const string Microvm = "microvm";
    public const string Q35 = "q35";
    public const string Pc = "pc";

    public static Result<string> Choose(VmSpec spec)
    {
        string? needsPci = NeedsPci(spec);
        if (spec.Machine is { } chosen)
        {
            if (chosen == Microvm && needsPci is not null)
            {
                return HospesError.Invalid($"machine = 'microvm' cannot work for {spec.Name}: {needsPci} needs PCI; use machine = 'q35' or remove the line");
            }

            return chosen;
        }

        return needsPci is null ? Microvm : Q35;
    }

    /// <summary>Why the guest needs a PCI machine, or null.</summary>
    private static string? NeedsPci(VmSpec spec)
    {
        if (spec.Boot == BootMode.Hvm)
        {
            return "type = 'hvm' (firmware boot)";
        }

        if (spec.PciDevices.Count > 0)
        {
            return $"pci passthrough of {spec.PciDevices[0]}";
        }

        if (spec.Vifs.FirstOrDefault(v => v.Model != "virtio-net") is { } vif)
        {
            return $"the {vif.Model} network card";
        }

        if (spec.Disks.FirstOrDefault(d => d.DeviceType == DiskDeviceType.Cdrom) is { } cd)
        {
            return $"the cdrom {cd.Vdev}";
        }

        if (spec.Usb || spec.SoundHw is not null)
        {
            return spec.Usb ? "the USB controller" : $"the {spec.SoundHw} sound card";
        }

        if (spec.MaxVcpus > spec.Vcpus)
        {
            return "vCPU hotplug (maxvcpus above vcpus)";
        }

        return null;
    }
}
