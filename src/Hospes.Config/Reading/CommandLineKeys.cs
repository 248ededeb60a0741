using System.Text.RegularExpressions;
using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// root, extra and cmdline become the kernel command line. For PV-style guests, a root= naming a
/// Xen device (/dev/xvdc2) is rewritten to the virtio disk the guest sees under QEMU.
/// </summary>
internal sealed partial class CommandLineKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        Setting<string>? cmdline = context.Text("cmdline", "cmdline = 'root=/dev/vda ro console=hvc0'");
        Setting<string>? root = context.Text("root", "root = '/dev/vda ro'");
        Setting<string>? extra = context.Text("extra", "extra = 'console=hvc0'");
        if (cmdline is { } whole)
        {
            // cmdline is the whole command line, taken as written.
            WarnIgnored(context, "root", root);
            WarnIgnored(context, "extra", extra);
            draft.KernelCmdline = whole.Value.Trim();
        }
        else
        {
            var parts = new List<string>();
            if (root is { Value: var r } && r.Trim().Length > 0)
            {
                parts.Add(RewriteRoots("root=" + r.Trim(), root.Value.Source, context));
            }

            if (extra is { Value: var e } && e.Trim().Length > 0)
            {
                parts.Add(RewriteRoots(e.Trim(), extra.Value.Source, context));
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

    private static string RewriteRoots(string text, ConfigValue source, ReadContext context)
    {
        if (context.Draft.Boot == BootMode.Hvm)
        {
            return text;
        }

        return RootArgument().Replace(text, match =>
        {
            string device = match.Groups[1].Value;
            GuestDisk? disk = GuestDiskNames.Find(device, context.Draft.Disks);
            if (disk is not null)
            {
                context.Warning(source, $"root={device}: Xen device names do not exist under QEMU; the disk with vdev {disk.Vdev} is {disk.Disk} in the guest, so root={disk.Path} is used");
                return "root=" + disk.Path;
            }

            if (GuestDiskNames.IsXenOnlyName(device))
            {
                context.Warning(source, $"root={device}: no disk of this config has that vdev, and Xen device names do not exist under QEMU; point root= at the guest's /dev/vdX");
            }

            return match.Value;
        });
    }

    [GeneratedRegex(@"(?<=^|\s)root=(\S+)")]
    private static partial Regex RootArgument();
}
