using System.Text.RegularExpressions;

namespace Hospes.Core.Vms;

/// <summary>
/// The rules for the values of a VM spec, shared by the config reader (which reports them with file:line:col) and
/// <see cref="VmSpecValidator"/> (which checks a spec from anywhere), so both refuse the same things.
/// </summary>
public static partial class SpecRules
{
    /// <summary>The least memory a guest boots with.</summary>
    public const int MinMemoryMib = 16;

    /// <summary>A Hospes store reference ("image:NAME"): kept symbolic until the host resolves it.</summary>
    public const string ImagePrefix = "image:";

    /// <summary>Interface names (a vif's vifname) are at most 15 characters on Linux.</summary>
    public const int MaxInterfaceName = 15;

    /// <summary>Disk image formats as QEMU names them.</summary>
    public static IReadOnlySet<string> DiskFormats { get; } = new HashSet<string>(StringComparer.Ordinal) { "raw", "qcow2", "qcow", "vpc", "qed", "vmdk", "vdi" };

    /// <summary>Guest NIC models as QEMU names them.</summary>
    public static IReadOnlySet<string> NicModels { get; } = new HashSet<string>(StringComparer.Ordinal) { "virtio-net", "e1000", "e1000e", "rtl8139", "ne2k_pci", "pcnet" };

    /// <summary>The NIC models for messages.</summary>
    public const string NicModelList = "virtio-net, e1000, e1000e, rtl8139, ne2k_pci or pcnet";

    /// <summary>HVM firmware besides the default SeaBIOS: OVMF (UEFI), from Debian's ovmf package.</summary>
    public const string Ovmf = "ovmf";

    /// <summary>USB devices a guest may have, as QEMU names them (xl's usbdevice 'tablet', 'mouse', 'keyboard').</summary>
    public static IReadOnlySet<string> UsbDevices { get; } = new HashSet<string>(StringComparer.Ordinal) { "usb-tablet", "usb-mouse", "usb-kbd" };

    /// <summary>Emulated sound cards (xl's soundhw).</summary>
    public static IReadOnlySet<string> SoundCards { get; } = new HashSet<string>(StringComparer.Ordinal) { "hda", "ac97", "es1370" };

    /// <summary>Emulated graphics cards (xl's vga): std (QEMU's VGA, xl's stdvga) and cirrus.</summary>
    public static IReadOnlySet<string> VgaCards { get; } = new HashSet<string>(StringComparer.Ordinal) { "std", "cirrus" };

    /// <summary>QEMU machine types Hospes knows how to build.</summary>
    public static IReadOnlySet<string> Machines { get; } = new HashSet<string>(StringComparer.Ordinal) { "microvm", "q35", "pc" };

    /// <summary>
    /// Names Xen accepts for guest disks (xvda, hdc, sda7, d0p1), plus virtio's vda. A vdev also names files in the VM's
    /// folder, so it can never hold '/' or '.'.
    /// </summary>
    public static bool IsVdev(string? vdev) => vdev is not null && VdevPattern().IsMatch(vdev);

    /// <summary>An HVM boot order: the letters c (disk), d (cdrom) and n (network), each at most once.</summary>
    public static bool IsBootOrder(string? order) =>
        order is { Length: > 0 } && order.All(c => c is 'c' or 'd' or 'n') && order.Distinct().Count() == order.Length;

    /// <summary>A MAC as a spec keeps it: six lower-case hex octets, unicast, not all zeros.</summary>
    public static bool IsMac(string? mac) =>
        mac is not null && MacPattern().IsMatch(mac) && (Convert.ToInt32(mac[..2], 16) & 1) == 0 && mac != "00:00:00:00:00:00";

    public static bool IsIpv4(string? ip) => ip is not null && Ipv4Pattern().IsMatch(ip);

    /// <summary>A PCI address as a spec keeps it: DDDD:BB:DD.F in lower-case hex, device 00 to 1f.</summary>
    public static bool IsPciAddress(string? bdf) => bdf is not null && PciPattern().IsMatch(bdf);

    /// <summary>The name of a Hospes network, a host bridge or a tap: letters, digits, '-', '_' and '.', as VM names.</summary>
    public static string? NetworkNameProblem(string name) => VmName.Validate(name);

    public static bool IsImageReference(string? path) => path is not null && path.StartsWith(ImagePrefix, StringComparison.Ordinal);

    /// <summary>The first control character of <paramref name="text"/> (NUL, a newline...), or null.</summary>
    public static char? ControlCharacter(string? text)
    {
        foreach (char c in text ?? "")
        {
            if (char.IsControl(c))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>Pygrub under any path (/usr/lib/xen-3.0.3-1/bin/pygrub): Hospes finds the kernel in the disk as pygrub did.</summary>
    public static bool IsPygrub(string? bootloader) => bootloader is not null && Path.GetFileName(bootloader) == "pygrub";

    [GeneratedRegex(@"^((xvd|hd|sd|vd)[a-z]+[0-9]*|d[0-9]+(p[0-9]+)?)\z")]
    private static partial Regex VdevPattern();

    [GeneratedRegex(@"^[0-9a-f]{2}(:[0-9a-f]{2}){5}\z")]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z")]
    private static partial Regex Ipv4Pattern();

    [GeneratedRegex(@"^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]\z")]
    private static partial Regex PciPattern();
}
