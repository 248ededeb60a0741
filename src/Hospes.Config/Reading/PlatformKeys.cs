using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// The HVM platform keys QEMU has: bios/firmware (SeaBIOS or OVMF), localtime, acpi, apic, hpet, usb, usbdevice and
/// soundhw. localtime applies to every guest; the rest only to HVM guests, as under Xen (a PV guest gets a note).
/// </summary>
internal sealed class PlatformKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        bool hvm = draft.Boot == BootMode.Hvm;
        if (Flag(context, "localtime") is { } localtime)
        {
            draft.LocalTime = localtime;
        }

        ReadFirmware(context, hvm);
        if (HvmFlag(context, "acpi", hvm) is { } acpi)
        {
            draft.Acpi = acpi;
        }

        if (HvmFlag(context, "apic", hvm) is { } apic)
        {
            draft.Apic = apic;
        }

        if (HvmFlag(context, "hpet", hvm) is { } hpet)
        {
            draft.Hpet = hpet;
        }

        if (HvmFlag(context, "usb", hvm) is { } usb)
        {
            draft.Usb = usb;
        }

        ReadUsbDevices(context, hvm);
        ReadSound(context, hvm);
    }

    /// <summary>0 or 1 (xl's booleans; "0", "1", true/false-ish strings as xm wrote them); null when absent or wrong.</summary>
    internal static bool? Flag(ReadContext context, string key)
    {
        if (context.Settings.Get(key) is not { } setting)
        {
            return null;
        }

        if (ReadContext.TryInteger(setting.Value, out long number) && number is 0 or 1)
        {
            return number == 1;
        }

        if (TableKeys.IsOff(setting.Value))
        {
            return false;
        }

        context.Error(setting.Value, $"{key}: {ReadContext.Shown(setting.Value)} is not a boolean; write {key} = 1 or {key} = 0");
        context.MarkReported(setting.Value);
        return null;
    }

    private static bool? HvmFlag(ReadContext context, string key, bool hvm)
    {
        bool? value = Flag(context, key);
        if (value is not null && !hvm)
        {
            NotHvm(context, key);
            return null;
        }

        return value;
    }

    private static void NotHvm(ReadContext context, string key)
    {
        if (context.Settings.Get(key) is { } setting)
        {
            context.KeyNote(setting, $"{key}: only HVM guests have an emulated platform; nothing to do for this guest");
        }
    }

    private static void ReadFirmware(ReadContext context, bool hvm)
    {
        // xl's firmware= is the newer name; bios= wins when both are given, as they mean the same.
        Setting<string>? firmware = context.Text("firmware", "firmware = 'ovmf'");
        Setting<string>? bios = context.Text("bios", "bios = 'ovmf'");
        if ((bios ?? firmware) is not { } chosen)
        {
            return;
        }

        string key = bios is null ? "firmware" : "bios";
        string value = chosen.Value.Trim().ToLowerInvariant();
        switch (value)
        {
            case "" or "seabios" or "bios":
                return;
            case "rombios":
                context.Note(chosen.Source, $"{key}: '{chosen.Value}': Hospes gives SeaBIOS, which boots what ROMBIOS booted");
                return;
            case "ovmf" or "uefi" when hvm:
                context.Draft.Firmware = SpecRules.Ovmf;
                return;
            case "ovmf" or "uefi":
                context.Error(chosen.Source, $"{key}: '{chosen.Value}' needs type = 'hvm'; PV and PVH guests boot their kernel directly");
                return;
            case "pvgrub32" or "pvgrub64":
                context.Warning(chosen.Source, $"{key}: '{chosen.Value}' is not available; write bootloader = 'pygrub' and Hospes boots the kernel of the guest's GRUB menu");
                return;
            default:
                context.Error(chosen.Source, $"{key}: '{chosen.Value}' is not a firmware Hospes has; use 'ovmf' (UEFI) or 'seabios' (the default)");
                return;
        }
    }

    private static void ReadUsbDevices(ReadContext context, bool hvm)
    {
        if (context.StringList("usbdevice", "usbdevice = [ 'tablet' ]") is not { } devices)
        {
            return;
        }

        if (!hvm)
        {
            NotHvm(context, "usbdevice");
            return;
        }

        foreach (StringValue device in devices.Value)
        {
            string name = device.Value.Trim().ToLowerInvariant();
            string? qemu = name switch
            {
                "tablet" => "usb-tablet",
                "mouse" => "usb-mouse",
                "keyboard" => "usb-kbd",
                "" => null,
                _ when name.StartsWith("host:", StringComparison.Ordinal) => null,
                _ => "?",
            };
            if (name.StartsWith("host:", StringComparison.Ordinal))
            {
                context.Warning(device, $"usbdevice: '{device.Value}': the host's USB devices are not passed to the guest");
            }
            else if (qemu == "?")
            {
                context.Error(device, $"usbdevice: '{device.Value}' is not a USB device Hospes gives; use 'tablet', 'mouse' or 'keyboard'");
            }
            else if (qemu is not null && !context.Draft.UsbDevices.Contains(qemu))
            {
                context.Draft.UsbDevices.Add(qemu);
                context.Draft.Usb = true;
            }
        }
    }

    private static void ReadSound(ReadContext context, bool hvm)
    {
        if (context.Text("soundhw", "soundhw = 'hda'") is not { } sound)
        {
            return;
        }

        string card = sound.Value.Trim().ToLowerInvariant();
        if (TableKeys.IsOff(sound.Source))
        {
            return;
        }

        if (!hvm)
        {
            NotHvm(context, "soundhw");
            return;
        }

        if (SpecRules.SoundCards.Contains(card))
        {
            context.Draft.SoundHw = card;
            context.Note(sound.Source, $"soundhw: the guest gets a {card} sound card; its sound is not played anywhere");
        }
        else
        {
            context.Error(sound.Source, $"soundhw: '{sound.Value}' is not a sound card Hospes gives; use 'hda', 'ac97' or 'es1370'");
        }
    }
}
