namespace Hospes.Config;

/// <summary>What the reader needs to know about the host; faked in tests.</summary>
public interface IHostFacts
{
    /// <summary>True for an existing file, folder or device node.</summary>
    bool PathExists(string path);

    /// <summary>True when the host has the PCI device, given as DDDD:BB:DD.F.</summary>
    bool PciDeviceExists(string normalizedBdf);

    int CpuCount { get; }

    /// <summary>
    /// Whether a vif's bridge= names a Hospes network (by name or bridge) or a bridge of the host; null (the default
    /// network) asks for the default network. Null when this host's networks are not known (nothing is checked).
    /// </summary>
    bool? NetworkExists(string? bridge) => null;
}
