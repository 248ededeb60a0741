using Hospes.Config.Reading.Vifs;
using Hospes.Config.Syntax;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading;

/// <summary>
/// vif: one network interface per entry; '' is a default interface. An HVM guest's NIC without model= is Xen's emulated
/// default, an rtl8139 (old HVM guests have no virtio driver), unless type=vif asks for the paravirtual one.
/// </summary>
internal sealed class VifKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        if (context.StringList("vif", "vif = [ 'mac=00:16:3e:12:34:56,bridge=br0' ]") is not { } vifs)
        {
            return;
        }

        var byMac = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringValue entry in vifs.Value)
        {
            string what = $"vif '{entry.Value}'";
            ParsedVif vif = VifSpecParser.Parse(entry.Value);
            foreach (string warning in vif.Warnings)
            {
                context.Warning(entry, $"{what}: {warning}");
            }

            foreach (string note in vif.Notes)
            {
                context.Note(entry, $"{what}: {note}");
            }

            foreach (string error in vif.Errors)
            {
                context.Error(entry, $"{what}: {error}");
            }

            if (vif.Errors.Count > 0)
            {
                continue;
            }

            if (context.Draft.Boot == BootMode.Hvm && !vif.ModelGiven && vif.Type is null or "ioemu")
            {
                vif.Spec = vif.Spec with { Model = "rtl8139" };
                context.Note(entry, $"{what}: an HVM guest's NIC is Xen's emulated rtl8139 unless model= says otherwise; write model=virtio-net for a faster one if the guest has virtio drivers");
            }

            if (context.Host.NetworkExists(vif.Spec.Bridge) is false)
            {
                context.HostProblem(entry, vif.Spec.Bridge is { } name
                    ? $"{what}: there is no network or host bridge named '{name}'; `hospes network list` shows the networks, `hospes network create {name} --subnet CIDR` makes one"
                    : $"{what}: the default network does not exist on this host; name a network with bridge=NAME or `hospes network create default --subnet CIDR`");
            }

            if (vif.Spec.Mac is { } mac)
            {
                if (byMac.TryGetValue(mac, out string? first))
                {
                    context.Error(entry, $"{what}: mac {mac} is already used by vif '{first}'; give each interface its own MAC or leave mac out");
                    continue;
                }

                byMac[mac] = entry.Value;
            }

            context.Draft.Vifs.Add(vif.Spec with { Source = entry.Value });
        }
    }
}
