using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Qmp;

/// <summary>What the guest's balloon driver reported last (virtio-balloon statistics), in bytes.</summary>
/// <param name="TotalBytes">The guest's RAM as its kernel sees it (the booted size less the balloon).</param>
/// <param name="FreeBytes">Unused RAM: nothing in it, not even cache.</param>
/// <param name="AvailableBytes">What the guest could hand out without swapping: free plus reclaimable cache.</param>
/// <param name="DiskCachesBytes">Page cache, reclaimable.</param>
/// <param name="UpdatedAt">When the guest sent them; null if it never did (no driver or no statistics queue).</param>
public sealed record BalloonStats(long? TotalBytes, long? FreeBytes, long? AvailableBytes, long? DiskCachesBytes, DateTimeOffset? UpdatedAt);

/// <summary>Whether a balloon driver runs in the guest, and which features it took.</summary>
public sealed record BalloonDriver(bool Ready, bool FreePageReporting, bool Statistics, bool DeflateOnOom);

/// <summary>The virtio-balloon through QMP: target, actual size, the guest's memory statistics and its driver.</summary>
public static class QmpBalloon
{
    /// <summary>Asks the guest to give back memory until it has <paramref name="bytes"/> (or to take it back).</summary>
    public static Task SetBalloonTargetAsync(this IQmp qmp, long bytes, CancellationToken ct = default) =>
        qmp.ExecuteAsync("balloon", new JsonObject { ["value"] = bytes }, ct: ct);

    /// <summary>The guest's memory now, as the balloon has it (the booted size less what the balloon holds).</summary>
    public static async Task<long> QueryBalloonAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-balloon", null, logged: false, ct: ct).ConfigureAwait(false);
        return r.GetProperty("actual").GetInt64();
    }

    /// <summary>The RAM QEMU was started with (-m), in bytes.</summary>
    public static async Task<long> QueryRamSizeAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-memory-size-summary", ct: ct).ConfigureAwait(false);
        return r.GetProperty("base-memory").GetInt64();
    }

    /// <summary>Tells the guest to send its memory statistics every <paramref name="seconds"/> (0 stops it).</summary>
    public static Task SetBalloonStatsIntervalAsync(this IQmp qmp, int seconds, CancellationToken ct = default) =>
        qmp.ExecuteAsync("qom-set", new JsonObject { ["path"] = QemuNames.BalloonPath, ["property"] = "guest-stats-polling-interval", ["value"] = seconds }, ct: ct);

    public static async Task<BalloonStats> QueryBalloonStatsAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("qom-get", new JsonObject { ["path"] = QemuNames.BalloonPath, ["property"] = "guest-stats" }, logged: false, ct: ct).ConfigureAwait(false);
        return ParseStats(r);
    }

    /// <summary>The driver's state, from QEMU's virtio introspection; null when this QEMU cannot tell.</summary>
    public static async Task<BalloonDriver?> QueryBalloonDriverAsync(this IQmp qmp, CancellationToken ct = default)
    {
        try
        {
            JsonElement r = await qmp.ExecuteAsync("x-query-virtio-status", new JsonObject { ["path"] = QemuNames.BalloonPath }, logged: false, ct: ct).ConfigureAwait(false);
            return ParseDriver(r);
        }
        catch (QmpException)
        {
            return null;
        }
    }

    /// <summary>qom-get guest-stats: a value of 2^64-1 means the guest does not report it.</summary>
    public static BalloonStats ParseStats(JsonElement r)
    {
        long updated = r.TryGetProperty("last-update", out var u) && u.TryGetInt64(out long lu) ? lu : 0;
        if (!r.TryGetProperty("stats", out var stats))
        {
            return new BalloonStats(null, null, null, null, null);
        }

        long? Stat(string name) =>
            stats.TryGetProperty(name, out var v) && v.TryGetInt64(out long value) && value >= 0 ? value : null;

        return new BalloonStats(
            Stat("stat-total-memory"),
            Stat("stat-free-memory"),
            Stat("stat-available-memory"),
            Stat("stat-disk-caches"),
            updated > 0 ? DateTimeOffset.FromUnixTimeSeconds(updated) : null);
    }

    /// <summary>x-query-virtio-status: DRIVER_OK in the status, the features the guest accepted.</summary>
    public static BalloonDriver ParseDriver(JsonElement r)
    {
        static bool Has(JsonElement e, string prefix) =>
            e.ValueKind == JsonValueKind.Array && e.EnumerateArray().Any(s => s.GetString()?.StartsWith(prefix, StringComparison.Ordinal) == true);

        bool ready = r.TryGetProperty("status", out var status) && status.TryGetProperty("statuses", out var statuses)
            && Has(statuses, "VIRTIO_CONFIG_S_DRIVER_OK");
        JsonElement features = r.TryGetProperty("guest-features", out var g) && g.TryGetProperty("dev-features", out var f) ? f : default;
        return new BalloonDriver(
            ready,
            ready && Has(features, "VIRTIO_BALLOON_F_REPORTING"),
            ready && Has(features, "VIRTIO_BALLOON_F_STATS_VQ"),
            ready && Has(features, "VIRTIO_BALLOON_F_DEFLATE_ON_OOM"));
    }
}
