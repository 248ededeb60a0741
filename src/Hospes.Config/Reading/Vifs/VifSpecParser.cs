using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hospes.Core.Vms;

namespace Hospes.Config.Reading.Vifs;

/// <summary>One vif string: comma-separated key=value pairs (xl-network-configuration(5)).</summary>
internal static partial class VifSpecParser
{
    private static readonly HashSet<string> XenOnly = new(StringComparer.Ordinal)
    {
        "script", "rate", "backend", "gatewaydev", "netdev", "mtu", "vlan", "forwarddev", "ip6",
    };

    /// <summary>Parameters that only steer Xen's own machinery: nothing is lost under QEMU.</summary>
    private static readonly HashSet<string> Meaningless = new(StringComparer.Ordinal) { "type", "devid", "uuid", "accel", "trusted", "untrusted" };

    /// <summary>Hotplug scripts whose job (put the interface on the bridge) Hospes does itself.</summary>
    private static readonly HashSet<string> BridgeScripts = new(StringComparer.Ordinal) { "vif-bridge", "vif-setup" };

    private const string OvsScript = "vif-openvswitch";

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

        // vif-openvswitch reads BRIDGE.VLAN as an access port on VLAN; a Linux bridge of that name would be another thing.
        if (vif.OpenVswitch && vif.Spec.Bridge is { } bridge && OvsVlan().Match(bridge) is { Success: true } tag)
        {
            vif.Errors.Add($"bridge '{bridge}' with script=vif-openvswitch is Open vSwitch bridge {tag.Groups[1].Value} tagged with VLAN {tag.Groups[2].Value}; Hospes joins Linux bridges and Hospes networks only: make a Linux bridge (or a Hospes network) for VLAN {tag.Groups[2].Value} and name it in bridge=");
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
            case "bridge" when value.Contains(':', StringComparison.Ordinal):
                vif.Errors.Add($"bridge '{value}' is an Open vSwitch bridge with a VLAN trunk ({value[..value.IndexOf(':', StringComparison.Ordinal)]}, VLANs {value[(value.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace(':', ',')}); Hospes joins Linux bridges and Hospes networks only: make a Linux bridge (or a Hospes network) carrying those VLANs and name it in bridge=");
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
                vif.Type = value.ToLowerInvariant();
                vif.Notes.Add($"'{item}' changes nothing under QEMU");
                break;
            case "script" when Path.GetFileName(value) == OvsScript:
                vif.OpenVswitch = true;
                vif.Warnings.Add($"'{item}': Hospes puts the interface on a Linux bridge or Hospes network of that name, not on an Open vSwitch bridge");
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

    /// <summary>ip= may hold several addresses separated by spaces (vif-route routes each); IPv4 ones may carry a /prefix.</summary>
    private static void ApplyIp(ParsedVif vif, string value)
    {
        string[] addresses = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (addresses.Length == 0)
        {
            vif.Errors.Add("ip is empty; write e.g. ip=192.168.1.10 or leave it out");
            return;
        }

        var ipv4 = new List<string>();
        foreach (string address in addresses)
        {
            string bare = address.Split('/')[0];
            bool v4 = SpecRules.IsIpv4(bare);
            bool prefixOk = !address.Contains('/', StringComparison.Ordinal)
                || (int.TryParse(address[(bare.Length + 1)..], out int prefix) && prefix >= 0 && prefix <= (v4 ? 32 : 128));
            if (v4 && prefixOk)
            {
                ipv4.Add(bare);
            }
            else if (!(IPAddress.TryParse(bare, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && prefixOk))
            {
                vif.Errors.Add($"ip '{address}' is not an IP address; write e.g. ip=192.168.1.10 (several separated by spaces)");
            }
        }

        if (addresses.Length > 1 || ipv4.Count == 0)
        {
            string used = ipv4.Count > 0 ? $"Hospes gives the guest {ipv4[0]} (the first IPv4 address) on its network" : "Hospes gives the guest an address of its network (IPv6 addresses are the guest's own to configure)";
            vif.Warnings.Add($"ip='{value}': {used}; the guest configures any other address itself, and nothing routes it to the guest");
        }

        vif.Spec = vif.Spec with { Ip = ipv4.Count > 0 ? ipv4[0] : null };
    }

    private static void ApplyModel(ParsedVif vif, string value)
    {
        vif.ModelGiven = true;
        string? model = value.ToLowerInvariant() switch
        {
            "virtio" or "virtio-net" or "virtio-net-pci" => "virtio-net",
            "e1000" => "e1000",
            "e1000e" => "e1000e",
            "rtl8139" => "rtl8139",
            "ne2k_pci" or "ne2k-pci" => "ne2k_pci",
            "pcnet" => "pcnet",
            _ => null,
        };
        if (model is null)
        {
            vif.Errors.Add($"model '{value}' is not supported; use {SpecRules.NicModelList}");
            return;
        }

        vif.Spec = vif.Spec with { Model = model };
    }

    [GeneratedRegex(@"^(.+)\.([0-9]+)\z")]
    private static partial Regex OvsVlan();
}
