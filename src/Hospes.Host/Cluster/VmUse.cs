using System.Globalization;

namespace Hospes.Host.Cluster;

/// <summary>
/// The value of a running VM's `vmuse/&lt;name&gt;` key: what it counts against its project's memory and vCPU limits
/// (its balloon target and vCPUs, as on one host), and the host it runs on. No key: it counts nothing (stopped).
/// </summary>
internal sealed record VmUse(string Host, string Project, long MemoryMiB, int Vcpus);

/// <summary>A project's running memory and vCPUs over a whole cluster, from the `vmuse/` keys, in total and by host.</summary>
internal sealed record ClusterProjectUse(long MemoryMiB, int Vcpus, IReadOnlyDictionary<string, long> MemoryByHost, IReadOnlyDictionary<string, int> VcpusByHost)
{
    public static ClusterProjectUse None { get; } = new(0, 0, new Dictionary<string, long>(), new Dictionary<string, int>());

    /// <summary>This plus <paramref name="use"/> (a VM's own, counted by the caller).</summary>
    public ClusterProjectUse Plus(VmUse use)
    {
        var memory = new Dictionary<string, long>(MemoryByHost, StringComparer.Ordinal);
        var vcpus = new Dictionary<string, int>(VcpusByHost, StringComparer.Ordinal);
        memory[use.Host] = memory.GetValueOrDefault(use.Host) + use.MemoryMiB;
        vcpus[use.Host] = vcpus.GetValueOrDefault(use.Host) + use.Vcpus;
        return new ClusterProjectUse(MemoryMiB + use.MemoryMiB, Vcpus + use.Vcpus, memory, vcpus);
    }

    /// <summary>"host-a 512 MiB, host-b 256 MiB", or "none".</summary>
    public string MemoryText() => Text(MemoryByHost.Where(h => h.Value > 0).Select(h => (h.Key, string.Create(CultureInfo.InvariantCulture, $"{h.Value} MiB"))));

    /// <summary>"host-a 2, host-b 1", or "none".</summary>
    public string VcpusText() => Text(VcpusByHost.Where(h => h.Value > 0).Select(h => (h.Key, h.Value.ToString(CultureInfo.InvariantCulture))));

    private static string Text(IEnumerable<(string Host, string Amount)> byHost)
    {
        string[] parts = [.. byHost.OrderBy(h => h.Host, StringComparer.Ordinal).Select(h => $"{h.Host} {h.Amount}")];
        return parts.Length == 0 ? "none" : string.Join(", ", parts);
    }
}
