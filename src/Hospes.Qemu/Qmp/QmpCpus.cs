using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>A vCPU slot of the machine (query-hotpluggable-cpus): its CPU type, where it sits, and whether a CPU is plugged.</summary>
/// <param name="Props">socket-id, core-id, thread-id (and die-id, node-id where the machine has them).</param>
/// <param name="QomPath">The plugged CPU's QOM path (device_del takes it); null while the slot is empty.</param>
public sealed record CpuSlot(string Type, IReadOnlyDictionary<string, long> Props, string? QomPath)
{
    public bool Plugged => QomPath is not null;
}

/// <summary>A vCPU QEMU runs: its index, the host thread that runs it, and its slot's QOM path.</summary>
public sealed record RunningVcpu(int Index, int ThreadId, string? QomPath);

/// <summary>vCPU hot-plug: the machine's slots, device_add of a CPU into one, device_del of one.</summary>
public static class QmpCpus
{
    // The order a machine numbers its vCPUs in: the first free slot is the next vCPU.
    private static readonly string[] Topology = ["node-id", "drawer-id", "book-id", "socket-id", "die-id", "cluster-id", "module-id", "core-id", "thread-id"];

    /// <summary>Every vCPU slot, in topology order (so slot i is vCPU i on a machine booted in order).</summary>
    public static async Task<IReadOnlyList<CpuSlot>> QueryHotpluggableCpusAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-hotpluggable-cpus", ct: ct).ConfigureAwait(false);
        var slots = new List<CpuSlot>();
        foreach (JsonElement c in r.EnumerateArray())
        {
            var props = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (JsonProperty p in c.GetProperty("props").EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number)
                {
                    props[p.Name] = p.Value.GetInt64();
                }
            }

            string? qom = c.TryGetProperty("qom-path", out JsonElement q) ? q.GetString() : null;
            slots.Add(new CpuSlot(c.GetProperty("type").GetString()!, props, qom));
        }

        return [.. slots.Order(Comparer<CpuSlot>.Create(CompareSlots))];
    }

    /// <summary>The vCPUs QEMU runs, by index.</summary>
    public static async Task<IReadOnlyList<RunningVcpu>> QueryVcpusAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-cpus-fast", ct: ct).ConfigureAwait(false);
        return [.. r.EnumerateArray()
            .Select(c => new RunningVcpu(c.GetProperty("cpu-index").GetInt32(), c.GetProperty("thread-id").GetInt32(), c.TryGetProperty("qom-path", out JsonElement q) ? q.GetString() : null))
            .OrderBy(v => v.Index)];
    }

    /// <summary>Plugs a CPU of the slot's type into <paramref name="slot"/> as device <paramref name="id"/>.</summary>
    public static Task PlugCpuAsync(this IQmp qmp, CpuSlot slot, string id, CancellationToken ct = default)
    {
        var args = new JsonObject { ["driver"] = slot.Type, ["id"] = id };
        foreach ((string key, long value) in slot.Props)
        {
            args[key] = value;
        }

        return qmp.ExecuteAsync("device_add", args, ct: ct);
    }

    /// <summary>
    /// Asks the guest to give a device back (device_del: an id or a QOM path). For a CPU or a PCI device the guest must
    /// agree (ACPI eject), so it is gone only when DEVICE_DELETED comes.
    /// </summary>
    public static Task DeviceDelAsync(this IQmp qmp, string idOrQomPath, CancellationToken ct = default) =>
        qmp.ExecuteAsync("device_del", new JsonObject { ["id"] = idOrQomPath }, ct: ct);

    private static int CompareSlots(CpuSlot a, CpuSlot b)
    {
        foreach (string key in Topology)
        {
            int c = (a.Props.TryGetValue(key, out long x) ? x : 0).CompareTo(b.Props.TryGetValue(key, out long y) ? y : 0);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }
}
