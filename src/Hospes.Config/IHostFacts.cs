namespace Hospes.Config;

/// <summary>What the reader needs to know about the host; faked in tests.</summary>
public interface IHostFacts
{
    /// <summary>True for an existing file, folder or device node.</summary>
    bool PathExists(string path);

    /// <summary>True when the host has the PCI device, given as DDDD:BB:DD.F.</summary>
    bool PciDeviceExists(string normalizedBdf);

    int CpuCount { get; }
}
