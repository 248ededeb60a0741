using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>Typed wrappers for the QMP commands Hospes uses (one place to read what we ask of QEMU).</summary>
public static class QmpCommands
{
    /// <summary>Runs one command, logged; returns its "return" value or throws <see cref="QmpException"/>.</summary>
    public static Task<JsonElement> ExecuteAsync(this IQmp qmp, string command, JsonObject? arguments = null, TimeSpan? timeout = null, CancellationToken ct = default) =>
        qmp.ExecuteAsync(command, arguments, logged: true, timeout, ct);

    public static async Task<QemuRunState> QueryStatusAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-status", ct: ct).ConfigureAwait(false);
        return QemuRunStateParser.Parse(r.GetProperty("status").GetString());
    }

    public static Task StopAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("stop", ct: ct);

    public static Task ContAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("cont", ct: ct);

    public static Task SystemPowerdownAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("system_powerdown", ct: ct);

    public static Task SystemResetAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("system_reset", ct: ct);

    public static Task QuitAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("quit", ct: ct);

    /// <summary>Thread ids of the vCPUs, by cpu index.</summary>
    public static async Task<IReadOnlyList<int>> QueryVcpuThreadsAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-cpus-fast", ct: ct).ConfigureAwait(false);
        return [.. r.EnumerateArray().OrderBy(c => c.GetProperty("cpu-index").GetInt32()).Select(c => c.GetProperty("thread-id").GetInt32())];
    }

    public static Task MigrateAsync(this IQmp qmp, string uri, CancellationToken ct = default) =>
        qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = uri }, ct: ct);

    public static Task MigrateIncomingAsync(this IQmp qmp, string uri, CancellationToken ct = default) =>
        qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = uri }, ct: ct);

    public static Task MigrateCancelAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("migrate_cancel", ct: ct);

    public static Task<MigrationStatus> QueryMigrateAsync(this IQmp qmp, CancellationToken ct = default) =>
        qmp.QueryMigrationAsync(logged: true, ct);
}
