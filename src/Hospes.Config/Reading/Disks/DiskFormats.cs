namespace Hospes.Config.Reading.Disks;

/// <summary>Xen's image format names and the names QEMU uses for them.</summary>
internal static class DiskFormats
{
    public const string Supported = "raw, qcow2, qcow, vhd, qed, vmdk or vdi";

    /// <summary>QEMU's name for a Xen format name, or null when unknown.</summary>
    public static string? ToQemu(string xenName) => xenName switch
    {
        "raw" => "raw",
        "qcow" => "qcow",
        "qcow2" => "qcow2",
        "vhd" or "vpc" => "vpc",
        "qed" => "qed",
        "vmdk" => "vmdk",
        "vdi" => "vdi",
        _ => null,
    };

    /// <summary>Xen's name for a QEMU format, for writing configs.</summary>
    public static string ToXen(string qemuName) => qemuName == "vpc" ? "vhd" : qemuName;
}
