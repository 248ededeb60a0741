using System.Text.RegularExpressions;
using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>type/builder/pvh, kernel, ramdisk and bootloader: how the guest boots.</summary>
internal sealed partial class BootKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        draft.Boot = ReadBootMode(context);
        Setting<string>? kernel = IsHvmLoader(context) || IsPvGrub(context) ? null : ReadImage(context, "kernel", "kernel = '/boot/vmlinuz'");
        Setting<string>? ramdisk = ReadImage(context, "ramdisk", "ramdisk = '/boot/initrd.img'");
        draft.Kernel = kernel?.Value;
        draft.Ramdisk = ramdisk?.Value;

        Setting<string>? bootloader = context.Text("bootloader", "bootloader = 'pygrub'") is { Value.Length: > 0 } b ? b : null;
        draft.Bootloader = bootloader?.Value ?? (draft.PvGrub ? "pygrub" : null);
        if (bootloader is { } named && SpecRules.ControlCharacter(named.Value) is { } c)
        {
            context.Error(named.Source, $"bootloader: contains the control character U+{(int)c:X4}; write bootloader = 'pygrub'");
        }

        if (draft.Boot == BootMode.Hvm)
        {
            if (bootloader is { } ignored)
            {
                context.Warning(ignored.Source, $"bootloader '{ignored.Value}' is ignored: HVM guests boot from their disks through the firmware");
            }
        }
        else if (kernel is null)
        {
            if (bootloader is null && draft.PvGrub)
            {
                return;
            }

            if (bootloader is { } given)
            {
                if (IsPygrub(given.Value))
                {
                    return;
                }

                context.HostProblem(given.Source, $"bootloader '{given.Value}' is not supported: Hospes does pygrub's job itself (reads the GRUB menu in the guest's disk); write bootloader = 'pygrub', or set kernel= (and ramdisk=)");
            }
            else if (!context.IsBroken("kernel") && context.Settings.Get("kernel")?.Value is not ListValue)
            {
                context.FileError("no kernel: set kernel= or type = 'hvm'");
            }
        }
        else if (kernel is not null && bootloader is { } unused)
        {
            context.Warning(unused.Source, $"bootloader '{unused.Value}' is ignored because kernel is set");
        }
    }

    /// <summary>
    /// kernel = '/usr/lib/xen/boot/hvmloader' in an HVM config (every xm-era one) is Xen's HVM firmware, not a guest
    /// kernel: the guest boots through SeaBIOS, as it booted through hvmloader.
    /// </summary>
    private static bool IsHvmLoader(ReadContext context)
    {
        if (context.Draft.Boot != BootMode.Hvm || context.Settings.Get("kernel")?.Value is not StringValue { } kernel
            || Path.GetFileName(kernel.Value.Trim()) != "hvmloader")
        {
            return false;
        }

        context.RequireQuotes("kernel", kernel);
        context.Note(kernel, $"kernel: {kernel.Value.Trim()} is Xen's HVM firmware (hvmloader), not a guest kernel; the guest boots through SeaBIOS instead");
        return true;
    }

    /// <summary>
    /// kernel = 'pv-grub.gz' (or grub-x86_64-xen.bin) in a PV config is Xen's PV-GRUB, a boot loader that reads the
    /// guest's GRUB menu: Hospes does that itself, as for bootloader = 'pygrub'.
    /// </summary>
    private static bool IsPvGrub(ReadContext context)
    {
        if (context.Draft.Boot == BootMode.Hvm || context.Settings.Get("kernel")?.Value is not StringValue { } kernel
            || !PvGrubImage().IsMatch(Path.GetFileName(kernel.Value.Trim())))
        {
            return false;
        }

        context.RequireQuotes("kernel", kernel);
        context.Note(kernel, $"kernel: {kernel.Value.Trim()} is Xen's PV-GRUB, a boot loader; Hospes reads the GRUB menu of the guest's disk itself, as for bootloader = 'pygrub'");
        context.Draft.PvGrub = true;
        return true;
    }

    [GeneratedRegex(@"^(pv-grub.*\.gz|grub-.*xen.*\.bin)\z")]
    private static partial Regex PvGrubImage();

    /// <summary>pygrub under any path (/usr/lib/xen-3.0.3-1/bin/pygrub): Hospes finds the kernel in the disk as pygrub did.</summary>
    public static bool IsPygrub(string bootloader) => SpecRules.IsPygrub(bootloader);

    private static BootMode ReadBootMode(ReadContext context)
    {
        Setting<string>? type = context.Text("type", "type = 'hvm'");
        Setting<string>? builder = context.Text("builder", "builder = 'hvm'");
        Setting<long>? pvh = context.Integer("pvh", "0 or 1", "type = 'pvh'");
        if (type is { } t)
        {
            if (builder is { } b)
            {
                context.Warning(b.Source, "builder is ignored because type is set; remove builder");
            }

            switch (t.Value.ToUpperInvariant())
            {
                case "PV":
                    return BootMode.Pv;
                case "PVH":
                    return BootMode.Pvh;
                case "HVM":
                    return BootMode.Hvm;
                default:
                    context.Error(t.Source, $"type: '{t.Value}' is not a guest type; use 'pv', 'pvh' or 'hvm'");
                    return BootMode.Pv;
            }
        }

        if (builder is { } old)
        {
            switch (old.Value.ToUpperInvariant())
            {
                case "LINUX" or "GENERIC":
                    return BootMode.Pv;
                case "HVM":
                    return BootMode.Hvm;
                default:
                    context.Error(old.Source, $"builder: '{old.Value}' is not a builder; use type = 'pv', 'pvh' or 'hvm' instead");
                    return BootMode.Pv;
            }
        }

        if (pvh is { Value: not 0 } p)
        {
            context.Warning(p.Source, "pvh = 1 is deprecated in xl; write type = 'pvh'");
            return BootMode.Pvh;
        }

        return BootMode.Pv;
    }

    /// <summary>kernel or ramdisk: an image reference or a host path that must exist.</summary>
    private static Setting<string>? ReadImage(ReadContext context, string key, string example)
    {
        Setting<string>? setting = context.Text(key, example);
        if (setting is not { Value.Length: > 0 } given)
        {
            return null;
        }

        if (HostPaths.Problem(given.Value) is { } problem)
        {
            // Reported here; kept as given so no "no kernel" follows.
            context.Error(given.Source, $"{key}: {problem}");
            return given;
        }

        string path = HostPaths.Resolve(given.Value, context.BaseDirectory);
        if (HostPaths.ImageProblem(path) is { } image)
        {
            context.Error(given.Source, $"{key}: {image}");
        }
        else if (!HostPaths.IsImageReference(path) && !context.Host.PathExists(path))
        {
            context.HostProblem(given.Source, $"{key}: file {path} does not exist on this host; copy it there or use {key} = 'image:NAME' from the Hospes store");
        }

        return new Setting<string>(path, given.Source);
    }
}
