using Hospes.Config.Reading.Vifs;
using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>vif: one network interface per entry; '' is a default interface.</summary>
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
