namespace Hospes.Contracts.Vms;

/// <summary>One entry of a config's disk list, as the API shows it.</summary>
public sealed record DiskSpecDto
{
    /// <summary>Absolute path, "image:NAME", or empty for an empty cdrom drive.</summary>
    public required string Target { get; init; }

    /// <summary>Image format as qemu names it: raw, qcow2, qcow, vhd (vpc), qed, vmdk, vdi.</summary>
    public string Format { get; init; } = "raw";

    /// <summary>The guest drive name the config gave (xvda, sda7, hdc).</summary>
    public required string Vdev { get; init; }
    public bool ReadOnly { get; init; }
    public DiskDeviceType DeviceType { get; init; } = DiskDeviceType.Disk;

    /// <summary>The config's original text, for messages.</summary>
    public string? Source { get; init; }
}
