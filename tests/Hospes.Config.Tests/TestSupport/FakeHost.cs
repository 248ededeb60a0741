using Hospes.Config;

namespace Hospes.Config.Tests.TestSupport;

/// <summary>A host with exactly the files, PCI devices and CPUs a test gives it.</summary>
public sealed class FakeHost : IHostFacts
{
    public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);

    public HashSet<string> PciDevices { get; } = new(StringComparer.Ordinal);

    public int CpuCount { get; init; } = 4;

    /// <summary>When true every path exists, for tests about syntax rather than the host.</summary>
    public bool AllPathsExist { get; init; }

    public bool PathExists(string path) => AllPathsExist || Paths.Contains(path);

    /// <summary>When true every PCI device exists.</summary>
    public bool AllPciDevicesExist { get; init; }

    public bool PciDeviceExists(string normalizedBdf) => AllPciDevicesExist || PciDevices.Contains(normalizedBdf);

    /// <summary>The networks and bridges of the host; null when unknown (nothing is checked).</summary>
    public HashSet<string>? Networks { get; init; }

    public bool? NetworkExists(string? bridge) => Networks?.Contains(bridge ?? "default");

    public FakeHost With(params string[] paths)
    {
        Paths.UnionWith(paths);
        return this;
    }
}
