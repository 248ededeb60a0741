using System.Globalization;
using Hospes.Core.Vms;

namespace Hospes.Qemu.CommandLine;

/// <summary>
/// The ids and node names Hospes gives QEMU's devices, block nodes and chardevs (libvirt's qemu_alias.c). The command
/// line creates them and QMP commands refer to them later, so both sides take them from here.
/// </summary>
public static class QemuNames
{
    /// <summary>The serial console's chardev.</summary>
    public const string ConsoleChardev = "console0";

    /// <summary>The QMP monitor's chardev.</summary>
    public const string QmpChardev = "qmp0";

    /// <summary>The guest agent's chardev (a unix socket hospesd connects to).</summary>
    public const string AgentChardev = "qga0";

    /// <summary>The virtio-serial controller the guest agent's port is on.</summary>
    public const string AgentSerial = "vser0";

    /// <summary>The guest agent's virtio-serial port name: qemu-ga opens /dev/virtio-ports/ + this name.</summary>
    public const string AgentPort = "org.qemu.guest_agent.0";

    /// <summary>The guest's RAM when it is a file (a forkable VM's, or a fork's): the machine's memory-backend.</summary>
    public const string RamBackend = "ram0";

    /// <summary>The entropy source behind virtio-rng.</summary>
    public const string RngObject = "rng0";

    /// <summary>The graphics card's id (vga).</summary>
    public const string VgaDevice = "video0";

    /// <summary>The balloon device's id.</summary>
    public const string BalloonId = "balloon0";

    /// <summary>The balloon's QOM path: its statistics and driver state are read there.</summary>
    public const string BalloonPath = "/machine/peripheral/" + BalloonId;

    /// <summary>The block nodes of the UEFI firmware's two flash chips (bios = 'ovmf'): code, and the VM's variables.</summary>
    public const string FirmwareCode = "fw-code";

    public const string FirmwareVars = "fw-vars";

    /// <summary>The USB controller (usb = 1); its bus is "usb.0".</summary>
    public const string UsbController = "usb";

    /// <summary>The silent audio back-end and the sound card (soundhw).</summary>
    public const string AudioBackend = "audio0";

    public const string SoundCard = "sound0";

    /// <summary>The format node of disk <paramref name="index"/> of the spec (snapshots, mirrors and NBD exports name it).</summary>
    public static string DiskNode(int index) => "drive" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The format node of the disk with guest device name <paramref name="vdev"/> (xvda, hdc, ...).</summary>
    public static string DiskNode(VmSpec spec, string vdev)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int index = spec.Disks.ToList().FindIndex(d => d.Vdev == vdev);
        return index >= 0 ? DiskNode(index) : throw new ArgumentException($"VM {spec.Name} has no disk {vdev}", nameof(vdev));
    }

    /// <summary>The guest-visible device of a disk, by its guest device name.</summary>
    public static string DiskDevice(string vdev) => "disk-" + vdev;

    /// <summary>The host side (netdev) of network interface <paramref name="index"/>.</summary>
    public static string Netdev(int index) => "net" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The guest-visible NIC of network interface <paramref name="index"/>.</summary>
    public static string VifDevice(int index) => "vif" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>During a storage migration, the NBD node (and mirror job) that copies disk node <paramref name="diskNode"/> to the destination.</summary>
    public static string MigrationTarget(string diskNode) => "mig-" + diskNode;

    /// <summary>During migration <paramref name="migration"/>, the TLS credentials of the stream and the disk copies.</summary>
    public static string MigrationTls(string migration) => "mig-tls-" + migration;

    /// <summary>During migration <paramref name="migration"/>, on the destination: who may connect (the source's QEMU only).</summary>
    public static string MigrationAuthz(string migration) => "mig-authz-" + migration;

    /// <summary>During a storage migration, the destination's NBD export (block-export-add id) of disk node <paramref name="diskNode"/>.</summary>
    public static string NbdExport(string diskNode) => "export-" + diskNode;
}
