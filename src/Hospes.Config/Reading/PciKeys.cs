using Hospes.Config.Reading.Pci;
using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>pci: devices to pass through, as 'BDF[@vslot][,options]'.</summary>
internal sealed class PciKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        if (context.StringList("pci", "pci = [ '0000:06:02.0' ]") is not { } devices)
        {
            return;
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (StringValue entry in devices.Value)
        {
            string what = $"pci '{entry.Value}'";
            string[] parts = entry.Value.Split(',');
            string address = parts[0];

            // xl writes BDF@vslot,options; some configs put @vslot last. Hospes chooses guest slots itself.
            if (entry.Value.Contains('@', StringComparison.Ordinal))
            {
                context.Warning(entry, $"{what}: the guest slot (@...) is ignored; Hospes chooses guest PCI slots");
                address = address.Split('@')[0];
            }

            foreach (string option in parts.Skip(1).Select(p => p.Split('@')[0].Trim()).Where(p => p.Length > 0))
            {
                context.Warning(entry, $"{what}: option '{option}' is Xen-only, ignored");
            }

            string? problem = PciAddress.TryNormalize(address, out string bdf);
            if (problem is not null)
            {
                context.Error(entry, $"{what}: '{address.Trim()}' {problem}");
                continue;
            }

            if (!listed.Add(bdf))
            {
                context.Error(entry, $"{what}: device {bdf} is listed twice; remove one entry");
                continue;
            }

            if (!context.Host.PciDeviceExists(bdf))
            {
                context.HostProblem(entry, $"{what}: device {bdf} is not present on this host (no /sys/bus/pci/devices/{bdf}); remove it or run the guest where the device is");
            }

            context.Draft.PciDevices.Add(bdf);
        }
    }
}
