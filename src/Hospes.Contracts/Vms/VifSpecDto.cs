namespace Hospes.Contracts.Vms;

/// <summary>One entry of a config's vif list, as the API shows it.</summary>
public sealed record VifSpecDto
{
    /// <summary>Lower-case, colon-separated MAC; assigned when the VM is defined if the config gave none.</summary>
    public string? Mac { get; init; }
    public string? Ip { get; init; }

    /// <summary>A Hospes network or an existing host bridge; null means the default network.</summary>
    public string? Bridge { get; init; }

    /// <summary>Guest NIC model as QEMU names it: virtio-net, e1000, e1000e, rtl8139, ne2k_pci, pcnet.</summary>
    public string Model { get; init; } = "virtio-net";
    public string? VifName { get; init; }

    /// <summary>The config's original text, for messages.</summary>
    public string? Source { get; init; }
}
