using Hospes.Config.Reading.Disks;
using Hospes.Config.Writing;
using Hospes.Core.Vms;

namespace Hospes.Config;

/// <summary>Writes a <see cref="VmSpec"/> as normalized xl.cfg text that <see cref="XenConfigReader"/> reads back to the same spec.</summary>
public static class XenConfigWriter
{
    public static string Write(VmSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);

        var text = new ConfigText();
        text.Comment("Written by Hospes");
        text.String("name", spec.Name);
        if (spec.Uuid != Guid.Empty)
        {
            text.String("uuid", spec.Uuid.ToString("D"));
        }

        text.String("type", spec.Boot switch
        {
            BootMode.Pvh => "pvh",
            BootMode.Hvm => "hvm",
            _ => "pv",
        });
        text.Number("memory", spec.MemoryMib);
        text.Number("maxmem", spec.MaxMemoryMib);
        text.Number("vcpus", spec.Vcpus);
        text.Number("maxvcpus", spec.MaxVcpus);
        text.String("cpus", spec.CpuAffinity);
        WriteOptional(text, "cpu_weight", spec.CpuWeight);
        WriteOptional(text, "cpu_cap", spec.CpuCap);

        text.String("kernel", spec.Kernel);
        text.String("ramdisk", spec.Ramdisk);

        // cmdline is taken verbatim, so the command line comes back exactly as written.
        text.String("cmdline", spec.KernelCmdline.Length > 0 ? spec.KernelCmdline : null);
        text.String("bootloader", spec.Bootloader);
        text.String("boot", spec.BootOrder);
        text.String("bios", spec.Firmware);
        WritePlatform(text, spec);

        text.List("disk", [.. spec.Disks.Select(DiskText)]);
        text.List("vif", [.. spec.Vifs.Select(VifText)]);
        text.List("pci", [.. spec.PciDevices]);

        text.String("on_poweroff", ActionText(spec.OnPoweroff));
        text.String("on_reboot", ActionText(spec.OnReboot));
        text.String("on_crash", ActionText(spec.OnCrash));
        if (spec.Accel != Accelerator.Auto)
        {
            text.String("accel", spec.Accel.ToString().ToLowerInvariant());
        }

        text.String("machine", spec.Machine);
        return text.ToString();
    }

    // Only what differs from every guest's default is written: the file stays as short as the one it came from.
    private static void WritePlatform(ConfigText text, VmSpec spec)
    {
        if (spec.LocalTime)
        {
            text.Number("localtime", 1);
        }

        if (spec.Forkable)
        {
            text.Number("forkable", 1);
        }

        if (spec.Ha)
        {
            text.Number("ha", 1);
        }

        foreach ((string key, bool on) in (ReadOnlySpan<(string, bool)>)[("acpi", spec.Acpi), ("apic", spec.Apic), ("hpet", spec.Hpet)])
        {
            if (!on)
            {
                text.Number(key, 0);
            }
        }

        if (spec.Usb)
        {
            text.Number("usb", 1);
        }

        text.List("usbdevice", [.. spec.UsbDevices.Select(d => d switch
        {
            "usb-tablet" => "tablet",
            "usb-mouse" => "mouse",
            "usb-kbd" => "keyboard",
            _ => d,
        })]);
        text.String("soundhw", spec.SoundHw);
        WriteDisplay(text, spec);
    }

    // An HVM guest read without vga/vnc gets the standard VGA and a VNC display: only a difference is written.
    private static void WriteDisplay(ConfigText text, VmSpec spec)
    {
        if (spec.Boot != BootMode.Hvm)
        {
            return;
        }

        if (spec.Vga is null)
        {
            text.String("vga", "none");
            return;
        }

        if (spec.Vga == "cirrus")
        {
            text.String("vga", "cirrus");
        }

        if (!spec.Vnc)
        {
            text.Number("vnc", 0);
        }
    }

    private static void WriteOptional(ConfigText text, string key, int? value)
    {
        if (value is { } v)
        {
            text.Number(key, v);
        }
    }

    // The key=value form with target= last, so a path may hold ',' or ':'.
    private static string DiskText(DiskSpec disk)
    {
        string devtype = disk.DeviceType == DiskDeviceType.Cdrom ? "devtype=cdrom, " : "";
        string access = disk.ReadOnly ? "ro" : "rw";
        return $"format={DiskFormats.ToXen(disk.Format)}, vdev={disk.Vdev}, access={access}, {devtype}target={disk.Target}";
    }

    private static string VifText(VifSpec vif)
    {
        var parts = new List<string>();
        AddPart(parts, "mac", vif.Mac);
        AddPart(parts, "ip", vif.Ip);
        AddPart(parts, "bridge", vif.Bridge);
        AddPart(parts, "model", vif.Model);
        AddPart(parts, "vifname", vif.VifName);
        return string.Join(',', parts);
    }

    private static void AddPart(List<string> parts, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add($"{key}={value}");
        }
    }

    private static string ActionText(LifecycleAction action) => action switch
    {
        LifecycleAction.Restart => "restart",
        LifecycleAction.Preserve => "preserve",
        LifecycleAction.RenameRestart => "rename-restart",
        _ => "destroy",
    };
}
