using System.Globalization;
using Hospes.Host.Memory;

namespace Hospes.Host.Tests.Memory;

/// <summary>A /proc/meminfo a test writes (no cgroup limit, no PSI), and a reader of it.</summary>
internal sealed class ProcMemory : IDisposable
{
    private readonly TempDir _dir = new();

    public ProcMemory(long totalMib, long availableMib)
    {
        Set(totalMib, availableMib);
        Reader = new HostMemoryReader(_dir.Path, _dir.File("no-cgroup"));
    }

    public HostMemoryReader Reader { get; }

    public void Set(long totalMib, long availableMib) =>
        File.WriteAllText(_dir.File("meminfo"), string.Create(CultureInfo.InvariantCulture, $"MemTotal: {totalMib * 1024} kB\nMemFree: {availableMib * 1024} kB\nMemAvailable: {availableMib * 1024} kB\n"));

    public void Dispose() => _dir.Dispose();
}
