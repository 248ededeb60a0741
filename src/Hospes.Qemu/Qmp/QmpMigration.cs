using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// Live migration's QMP commands: capabilities and parameters, the stream itself, post-copy, and the
/// self-announce after a switch-over. Save/restore use the same stream (to a file).
/// </summary>
public static class QmpMigration
{
    /// <summary>Sets migration capabilities; both ends must agree on those that change the stream (postcopy-ram).</summary>
    public static Task SetCapabilitiesAsync(this IQmp qmp, IReadOnlyDictionary<string, bool> capabilities, CancellationToken ct = default) =>
        qmp.ExecuteAsync("migrate-set-capabilities", new JsonObject
        {
            ["capabilities"] = new JsonArray([.. capabilities.Select(c => (JsonNode)new JsonObject { ["capability"] = c.Key, ["state"] = c.Value })]),
        }, ct: ct);

    /// <summary>migrate-set-parameters with what is given (max-bandwidth in bytes/s, downtime-limit in ms, ...).</summary>
    public static Task SetParametersAsync(this IQmp qmp, JsonObject parameters, CancellationToken ct = default) =>
        qmp.ExecuteAsync("migrate-set-parameters", parameters, ct: ct);

    public static Task StartPostcopyAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("migrate-start-postcopy", ct: ct);

    /// <summary>Gratuitous ARP/RARP from every NIC, so switches learn where the guest's MACs are now.</summary>
    public static Task AnnounceSelfAsync(this IQmp qmp, CancellationToken ct = default) =>
        qmp.ExecuteAsync("announce-self", new JsonObject { ["initial"] = 50, ["max"] = 550, ["rounds"] = 5, ["step"] = 100 }, ct: ct);

    /// <summary>The whole of query-migrate; <paramref name="logged"/> false for progress polls.</summary>
    public static async Task<MigrationStatus> QueryMigrationAsync(this IQmp qmp, bool logged = true, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-migrate", null, logged, ct: ct).ConfigureAwait(false);
        return Parse(r);
    }

    /// <summary>Parses query-migrate's answer (public for tests).</summary>
    public static MigrationStatus Parse(JsonElement r)
    {
        string status = Str(r, "status") ?? "none";
        JsonElement ram = r.ValueKind == JsonValueKind.Object && r.TryGetProperty("ram", out var x) ? x : default;
        long pageSize = Long(ram, "page-size") ?? 4096;
        int? port = null;
        if (r.ValueKind == JsonValueKind.Object && r.TryGetProperty("socket-address", out var sockets) && sockets.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement s in sockets.EnumerateArray())
            {
                if (Str(s, "port") is { } p && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    port = n;
                    break;
                }
            }
        }

        return new MigrationStatus(status, Str(r, "error-desc"), Long(ram, "transferred") ?? 0)
        {
            RemainingBytes = Long(ram, "remaining") ?? 0,
            TotalBytes = Long(ram, "total") ?? 0,
            DirtyBytesPerSecond = (Long(ram, "dirty-pages-rate") ?? 0) * pageSize,
            Passes = (int)(Long(ram, "dirty-sync-count") ?? 0),
            Mbps = ram.ValueKind == JsonValueKind.Object && ram.TryGetProperty("mbps", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : 0,
            TotalTimeMs = Long(r, "total-time") ?? 0,
            ExpectedDowntimeMs = Long(r, "expected-downtime"),
            DowntimeMs = Long(r, "downtime"),
            SetupTimeMs = Long(r, "setup-time") ?? 0,
            ThrottlePercent = (int)(Long(r, "cpu-throttle-percentage") ?? 0),
            ListeningPort = port,
        };
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
