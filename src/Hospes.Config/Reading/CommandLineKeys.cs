using System.Text.RegularExpressions;
using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// root, extra and cmdline become the kernel command line. For PV-style guests, a root= (or resume=, or any
/// key=/dev/...) naming a Xen device (/dev/xvdc2) is rewritten to the virtio disk the guest sees under QEMU, whichever
/// key it came from, so no Xen device name reaches the guest kernel unnoticed.
/// </summary>
internal sealed partial class CommandLineKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        Setting<string>? cmdline = context.Text("cmdline", "cmdline = 'root=/dev/vda ro console=hvc0'");
        Setting<string>? root = context.Text("root", "root = '/dev/vda ro'");
        Setting<string>? extra = context.Text("extra", "extra = 'console=hvc0'");
        if (draft.PvGrub && extra is { } menu)
        {
            context.Note(menu.Source, $"extra: '{menu.Value}' told PV-GRUB where its menu is; Hospes finds the guest's GRUB menu itself");
            extra = null;
        }

        if (cmdline is { } whole)
        {
            // cmdline is the whole command line, taken as written.
            WarnIgnored(context, "root", root);
            WarnIgnored(context, "extra", extra);
            draft.KernelCmdline = RewriteRoots(OneLine(whole.Value), whole.Source, context);
        }
        else
        {
            var parts = new List<string>();
            if (root is { Value: var r } && r.Trim().Length > 0)
            {
                parts.Add(RewriteRoots("root=" + OneLine(r), root.Value.Source, context));
            }

            if (extra is { Value: var e } && e.Trim().Length > 0)
            {
                parts.Add(RewriteRoots(OneLine(e), extra.Value.Source, context));
            }

            draft.KernelCmdline = string.Join(' ', parts);
        }

        if (draft.Boot == BootMode.Hvm && draft.Kernel is null && draft.KernelCmdline.Length > 0)
        {
            ConfigValue at = (cmdline ?? root ?? extra)!.Value.Source;
            context.Warning(at, "the kernel command line is ignored: an HVM guest without kernel= boots from its disks");
            draft.KernelCmdline = "";
        }
    }

    private static void WarnIgnored(ReadContext context, string key, Setting<string>? setting)
    {
        if (setting is { } ignored)
        {
            context.Warning(ignored.Source, $"{key} is ignored because cmdline is set; cmdline is the whole kernel command line");
        }
    }

    // A triple-quoted string may span lines; the kernel command line is one line.
    private static string OneLine(string text) =>
        string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string RewriteRoots(string text, ConfigValue source, ReadContext context)
    {
        if (context.Draft.Boot == BootMode.Hvm)
        {
            return text;
        }

        return RootArgument().Replace(text, match =>
        {
            string key = match.Groups[1].Value;
            string device = match.Groups[2].Value;
            GuestDisk? disk = GuestDiskNames.Find(device, context.Draft.Disks);
            if (disk is not null)
            {
                context.Warning(source, $"{key}={device}: Xen device names do not exist under QEMU; the disk with vdev {disk.Vdev} is {disk.Disk} in the guest, so {key}={disk.Path} is used");
                return $"{key}={disk.Path}";
            }

            if (GuestDiskNames.IsXenOnlyName(device))
            {
                context.Warning(source, $"{key}={device}: no disk of this config has that vdev, and Xen device names do not exist under QEMU; point {key}= at the guest's /dev/vdX");
            }

            return match.Value;
        });
    }

    [GeneratedRegex(@"(?<=^|\s)([A-Za-z_.]+)=(/dev/\S+)")]
    private static partial Regex RootArgument();
}
