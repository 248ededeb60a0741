using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>Typed wrappers for the QMP commands Hospes uses (one place to read what we ask of QEMU).</summary>
public static class QmpCommands
{
    public static async Task<QemuRunState> QueryStatusAsync(this QmpConnection qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-status", ct: ct).ConfigureAwait(false);
        return QemuRunStateParser.Parse(r.GetProperty("status").GetString());
    }

    public static Task StopAsync(this QmpConnection qmp, CancellationToken ct = default) => qmp.ExecuteAsync("stop", ct: ct);

    public static Task ContAsync(this QmpConnection qmp, CancellationToken ct = default) => qmp.ExecuteAsync("cont", ct: ct);

    public static Task SystemPowerdownAsync(this QmpConnection qmp, CancellationToken ct = default) => qmp.ExecuteAsync("system_powerdown", ct: ct);

    public static Task SystemResetAsync(this QmpConnection qmp, CancellationToken ct = default) => qmp.ExecuteAsync("system_reset", ct: ct);

    public static Task QuitAsync(this QmpConnection qmp, CancellationToken ct = default) => qmp.ExecuteAsync("quit", ct: ct);

    /// <summary>Thread ids of the vCPUs, by cpu index.</summary>
    public static async Task<IReadOnlyList<int>> QueryVcpuThreadsAsync(this QmpConnection qmp, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-cpus-fast", ct: ct).ConfigureAwait(false);
        return [.. r.EnumerateArray().OrderBy(c => c.GetProperty("cpu-index").GetInt32()).Select(c => c.GetProperty("thread-id").GetInt32())];
    }

    public static Task MigrateAsync(this QmpConnection qmp, string uri, CancellationToken ct = default) =>
        qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = uri }, ct: ct);

    public static Task MigrateIncomingAsync(this QmpConnection qmp, string uri, CancellationToken ct = default) =>
        qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = uri }, ct: ct);

    public static Task MigrateCancelAsync(this QmpConnection qmp, CancellationToken ct = default) => qmp.ExecuteAsync("migrate_cancel", ct: ct);

    public static Task<MigrationStatus> QueryMigrateAsync(this QmpConnection qmp, CancellationToken ct = default) =>
        qmp.QueryMigrationAsync(logged: true, ct);
}
