using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>Device and block-node hot-plug: what block-attach and block-detach ask of QEMU.</summary>
public static class QmpDevices
{
    public static Task BlockdevAddAsync(this IQmp qmp, JsonObject options, CancellationToken ct = default) =>
        qmp.ExecuteAsync("blockdev-add", options, ct: ct);

    public static Task DeviceAddAsync(this IQmp qmp, JsonObject arguments, CancellationToken ct = default) =>
        qmp.ExecuteAsync("device_add", arguments, ct: ct);

    /// <summary>The ids of the devices added with one (-device ...,id= or device_add), from /machine/peripheral.</summary>
    public static async Task<IReadOnlySet<string>> DeviceIdsAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("qom-list", new JsonObject { ["path"] = "/machine/peripheral" }, ct: ct).ConfigureAwait(false);
        return r.EnumerateArray().Where(p => p.GetProperty("type").GetString()?.StartsWith("child<", StringComparison.Ordinal) == true)
            .Select(p => p.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The ids of the devices plugged while the guest ran (QOM's "hotplugged"), sorted. A QEMU built again from the VM's
    /// spec (a restore, a migration's destination) has them elsewhere, so its device state would not load.
    /// </summary>
    public static async Task<IReadOnlyList<string>> HotpluggedIdsAsync(this IQmp qmp, CancellationToken ct = default)
    {
        var plugged = new List<string>();
        foreach (string id in (await qmp.DeviceIdsAsync(ct).ConfigureAwait(false)).Order(StringComparer.Ordinal))
        {
            JsonElement r = await qmp.ExecuteAsync("qom-get", new JsonObject { ["path"] = $"/machine/peripheral/{id}", ["property"] = "hotplugged" }, ct: ct).ConfigureAwait(false);
            if (r.ValueKind == JsonValueKind.True)
            {
                plugged.Add(id);
            }
        }

        return plugged;
    }

    /// <summary>The block node behind device <paramref name="deviceId"/> (query-block), or null when it has none.</summary>
    public static async Task<string?> BlockNodeOfAsync(this IQmp qmp, string deviceId, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-block", ct: ct).ConfigureAwait(false);
        foreach (JsonElement b in r.EnumerateArray())
        {
            string qdev = b.TryGetProperty("qdev", out JsonElement q) ? q.GetString() ?? "" : "";
            if ((qdev == deviceId || qdev.StartsWith($"/machine/peripheral/{deviceId}/", StringComparison.Ordinal))
                && b.TryGetProperty("inserted", out JsonElement inserted) && inserted.TryGetProperty("node-name", out JsonElement node))
            {
                return node.GetString();
            }
        }

        return null;
    }
}
