using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Qemu.CommandLine;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// Storage migration as libvirt, Proxmox and Incus do it: the destination exports its (empty) disks over NBD,
/// the source mirrors each disk into that export while RAM moves, and ends the mirrors once the guest is
/// stopped for the switch-over.
/// </summary>
public static class QmpBlockMirror
{
    /// <summary>
    /// Destination: an NBD server on <paramref name="host"/>:<paramref name="port"/> that speaks only TLS with
    /// <paramref name="tlsCreds"/>, lets in only the clients <paramref name="tlsAuthz"/> allows, and at most
    /// <paramref name="maxConnections"/> of them at a time.
    /// </summary>
    public static Task NbdServerStartAsync(this IQmp qmp, string host, int port, string tlsCreds, string tlsAuthz, int maxConnections, CancellationToken ct = default) =>
        qmp.ExecuteAsync("nbd-server-start", new JsonObject
        {
            ["addr"] = new JsonObject { ["type"] = "inet", ["data"] = new JsonObject { ["host"] = host, ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            ["tls-creds"] = tlsCreds,
            ["tls-authz"] = tlsAuthz,
            ["max-connections"] = maxConnections,
        }, ct: ct);

    /// <summary>Destination: exports block node <paramref name="node"/> writable under its own name.</summary>
    public static Task NbdExportAsync(this IQmp qmp, string node, CancellationToken ct = default) =>
        qmp.ExecuteAsync("block-export-add", new JsonObject
        {
            ["type"] = "nbd",
            ["id"] = QemuNames.NbdExport(node),
            ["node-name"] = node,
            ["name"] = node,
            ["writable"] = true,
        }, ct: ct);

    public static Task NbdServerStopAsync(this IQmp qmp, CancellationToken ct = default) => qmp.ExecuteAsync("nbd-server-stop", ct: ct);

    /// <summary>
    /// Source: opens the destination's export <paramref name="export"/> as node <paramref name="node"/>, over TLS with
    /// <paramref name="tlsCreds"/>, accepting only a server certificate for <paramref name="tlsHostname"/>.
    /// </summary>
    public static Task AddNbdTargetAsync(this IQmp qmp, string node, string host, int port, string export, string tlsCreds, string tlsHostname, CancellationToken ct = default) =>
        qmp.ExecuteAsync("blockdev-add", new JsonObject
        {
            ["driver"] = "nbd",
            ["node-name"] = node,
            ["server"] = new JsonObject { ["type"] = "inet", ["host"] = host, ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["export"] = export,
            ["tls-creds"] = tlsCreds,
            ["tls-hostname"] = tlsHostname,
        }, ct: ct);

    /// <summary>Source: copies all of <paramref name="device"/> (its backing chain included) into <paramref name="target"/>, then mirrors every write.</summary>
    public static Task MirrorAsync(this IQmp qmp, string jobId, string device, string target, CancellationToken ct = default) =>
        qmp.ExecuteAsync("blockdev-mirror", new JsonObject
        {
            ["job-id"] = jobId,
            ["device"] = device,
            ["target"] = target,
            ["sync"] = "full",
        }, ct: ct);

    /// <summary>The block jobs QEMU runs, by id.</summary>
    public static async Task<IReadOnlyList<BlockJob>> QueryBlockJobsAsync(this IQmp qmp, bool logged = true, CancellationToken ct = default)
    {
        JsonElement r = await qmp.ExecuteAsync("query-block-jobs", null, logged, ct: ct).ConfigureAwait(false);
        return [.. r.EnumerateArray().Select(j => new BlockJob(
            j.GetProperty("device").GetString() ?? "",
            j.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "",
            j.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True,
            j.TryGetProperty("offset", out var o) ? o.GetInt64() : 0,
            j.TryGetProperty("len", out var l) ? l.GetInt64() : 0,
            j.TryGetProperty("error", out var e) ? e.GetString() : null))];
    }

    /// <summary>
    /// Ends a job. On a ready mirror this finishes the copy and leaves the source in use: the target now holds
    /// exactly what the (stopped) guest wrote. <paramref name="force"/> abandons a job at once (a failed migration).
    /// </summary>
    public static Task BlockJobCancelAsync(this IQmp qmp, string jobId, bool force = false, CancellationToken ct = default) =>
        qmp.ExecuteAsync("block-job-cancel", new JsonObject { ["device"] = jobId, ["force"] = force }, ct: ct);

    /// <summary>Virtual size of each named block node, by node name (query-named-block-nodes).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> QueryNodeSizesAsync(this IQmp qmp, CancellationToken ct = default)
    {
        JsonElement nodes = await qmp.ExecuteAsync("query-named-block-nodes", new JsonObject { ["flat"] = true }, ct: ct).ConfigureAwait(false);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonElement n in nodes.EnumerateArray())
        {
            if (n.TryGetProperty("node-name", out var name) && n.TryGetProperty("image", out var image) && image.TryGetProperty("virtual-size", out var size))
            {
                sizes[name.GetString() ?? ""] = size.GetInt64();
            }
        }

        return sizes;
    }

    public static Task BlockdevDelAsync(this IQmp qmp, string node, CancellationToken ct = default) =>
        qmp.ExecuteAsync("blockdev-del", new JsonObject { ["node-name"] = node }, ct: ct);
}

/// <summary>One entry of query-block-jobs.</summary>
public sealed record BlockJob(string Id, string Status, bool Ready, long Offset, long Length, string? Error);
