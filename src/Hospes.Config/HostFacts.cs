namespace Hospes.Config;

/// <summary>The facts of the machine this process runs on.</summary>
public sealed class HostFacts : IHostFacts
{
    public int CpuCount => Environment.ProcessorCount;

    // File.Exists is true for device nodes on Unix: it only rejects directories.
    public bool PathExists(string path) => File.Exists(path) || Directory.Exists(path);

    public bool PciDeviceExists(string normalizedBdf) => Directory.Exists(Path.Combine("/sys/bus/pci/devices", normalizedBdf));

    /// <summary>hospesd's own answer (its networks, then the host's bridges), so config check refuses what define refuses.</summary>
    public Func<string?, bool>? Networks { get; init; }

    public bool? NetworkExists(string? bridge) => Networks?.Invoke(bridge);
}
