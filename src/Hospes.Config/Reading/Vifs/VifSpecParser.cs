using Hospes.Core.Vms;

namespace Hospes.Config.Reading.Vifs;

/// <summary>One vif string: comma-separated key=value pairs (xl-network-configuration(5)).</summary>
internal static class VifSpecParser
{
    private static readonly HashSet<string> XenOnly = new(StringComparer.Ordinal)
    {
        "script", "rate", "backend", "gatewaydev", "netdev", "mtu", "vlan", "forwarddev", "ip6",
    };

    /// <summary>Parameters that only steer Xen's own machinery: nothing is lost under QEMU.</summary>
    private static readonly HashSet<string> Meaningless = new(StringComparer.Ordinal) { "type", "devid", "uuid", "accel", "trusted", "untrusted" };

    /// <summary>Hotplug scripts whose job (put the interface on the bridge) Hospes does itself.</summary>
    private static readonly HashSet<string> BridgeScripts = new(StringComparer.Ordinal) { "vif-bridge", "vif-openvswitch", "vif-setup" };

    public static ParsedVif Parse(string text)
    {
        var vif = new ParsedVif();
        foreach (string raw in text.Split(','))
        {
            string item = raw.Trim();
            if (item.Length == 0)
            {
                continue;
            }

            int equals = item.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? item : item[..equals].Trim();
            string value = equals < 0 ? "" : item[(equals + 1)..].Trim();
            Apply(vif, key, value, item);
        }

        return vif;
    }

    private static void Apply(ParsedVif vif, string key, string value, string item)
    {
        switch (key)
        {
            case "mac":
                string? problem = MacAddress.TryNormalize(value, out string mac);
                if (problem is null)
                {
                    vif.Spec = vif.Spec with { Mac = mac };
                }
                else
                {
                    vif.Errors.Add($"mac '{value}' {problem}");
                }

                break;
            case "ip":
                ApplyIp(vif, value);
                break;
            case "bridge":
                if (value.Length > 0 && SpecRules.NetworkNameProblem(value) is { } bridgeProblem)
                {
                    vif.Errors.Add($"bridge '{value}' is not a network or bridge name: {bridgeProblem}");
                }

                vif.Spec = vif.Spec with { Bridge = value.Length == 0 ? null : value };
                break;
            case "vifname":
                if (value.Length > 0 && (SpecRules.NetworkNameProblem(value) is not null || value.Length > SpecRules.MaxInterfaceName))
                {
                    vif.Errors.Add($"vifname '{value}' is not an interface name; use at most {SpecRules.MaxInterfaceName} letters, digits, '-', '_' and '.', or leave it out");
                }

                vif.Spec = vif.Spec with { VifName = value.Length == 0 ? null : value };
                break;
            case "model":
                ApplyModel(vif, value);
                break;
            case "type":
                vif.Ioemu = value.Equals("ioemu", StringComparison.OrdinalIgnoreCase);
                vif.Notes.Add($"'{item}' changes nothing under QEMU");
                break;
            case "script" when BridgeScripts.Contains(Path.GetFileName(value)):
                vif.Notes.Add($"'{item}' changes nothing under QEMU: Hospes puts the interface on its bridge itself");
                break;
            case "backend" when value is "0" or "dom0" or "Domain-0":
                vif.Notes.Add($"'{item}' changes nothing under QEMU: the host is the backend");
                break;
            case var _ when Meaningless.Contains(key):
                vif.Notes.Add($"'{item}' changes nothing under QEMU");
                break;
            case var _ when XenOnly.Contains(key):
                vif.Warnings.Add($"'{item}' is Xen-only, ignored");
                break;
            default:
                vif.Warnings.Add($"unknown parameter '{item}', ignored; known ones are mac, ip, bridge, model and vifname");
                break;
        }
    }

    private static void ApplyIp(ParsedVif vif, string value)
    {
        string[] addresses = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (addresses.Length == 0)
        {
            vif.Errors.Add("ip is empty; write e.g. ip=192.168.1.10 or leave it out");
            return;
        }

        foreach (string address in addresses.Where(a => !SpecRules.IsIpv4(a)))
        {
            vif.Errors.Add($"ip '{address}' is not an IPv4 address; write e.g. ip=192.168.1.10");
        }

        if (addresses.Length > 1)
        {
            vif.Warnings.Add($"several addresses in ip='{value}'; only the first, {addresses[0]}, is used");
        }

        vif.Spec = vif.Spec with { Ip = addresses[0] };
    }

    private static void ApplyModel(ParsedVif vif, string value)
    {
        vif.ModelGiven = true;
        string? model = value.ToLowerInvariant() switch
        {
            "virtio" or "virtio-net" or "virtio-net-pci" => "virtio-net",
            "e1000" => "e1000",
            "rtl8139" => "rtl8139",
            _ => null,
        };
        if (model is null)
        {
            vif.Errors.Add($"model '{value}' is not supported; use virtio-net, e1000 or rtl8139");
            return;
        }

        vif.Spec = vif.Spec with { Model = model };
    }
}
