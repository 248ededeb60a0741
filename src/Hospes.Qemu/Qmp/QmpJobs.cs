using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// QMP's job-based commands (snapshot-save, snapshot-load, snapshot-delete): start the job, wait until it
/// concludes, dismiss it, and turn a failed job into an exception carrying QEMU's own reason.
/// </summary>
public static class QmpJobs
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Saves the VM's memory into <paramref name="vmstateNode"/> and an internal snapshot on every node.</summary>
    public static Task SnapshotSaveAsync(this IQmp qmp, string tag, string vmstateNode, IReadOnlyList<string> nodes, TimeSpan limit, CancellationToken ct) =>
        RunAsync(qmp, "snapshot-save", $"save-{tag}", new JsonObject
        {
            ["tag"] = tag,
            ["vmstate"] = vmstateNode,
            ["devices"] = new JsonArray([.. nodes.Select(n => JsonValue.Create(n))]),
        }, limit, ct);

    /// <summary>Loads memory and disks from an internal snapshot; the guest continues from that moment.</summary>
    public static Task SnapshotLoadAsync(this IQmp qmp, string tag, string vmstateNode, IReadOnlyList<string> nodes, TimeSpan limit, CancellationToken ct) =>
        RunAsync(qmp, "snapshot-load", $"load-{tag}", new JsonObject
        {
            ["tag"] = tag,
            ["vmstate"] = vmstateNode,
            ["devices"] = new JsonArray([.. nodes.Select(n => JsonValue.Create(n))]),
        }, limit, ct);

    public static Task SnapshotDeleteAsync(this IQmp qmp, string tag, IReadOnlyList<string> nodes, TimeSpan limit, CancellationToken ct) =>
        RunAsync(qmp, "snapshot-delete", $"delete-{tag}", new JsonObject
        {
            ["tag"] = tag,
            ["devices"] = new JsonArray([.. nodes.Select(n => JsonValue.Create(n))]),
        }, limit, ct);

    private static async Task RunAsync(IQmp qmp, string command, string jobId, JsonObject args, TimeSpan limit, CancellationToken ct)
    {
        args["job-id"] = jobId;
        await qmp.ExecuteAsync(command, args, ct: ct).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        string? error = null;
        bool exists = true;
        while (true)
        {
            JsonElement jobs = await qmp.ExecuteAsync("query-jobs", ct: timeout.Token).ConfigureAwait(false);
            JsonElement? job = jobs.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(j => j!.Value.GetProperty("id").GetString() == jobId);
            string status = job?.GetProperty("status").GetString() ?? "null";
            if (status is "concluded" or "null")
            {
                exists = job is not null;
                if (job?.TryGetProperty("error", out JsonElement e) == true)
                {
                    error = e.GetString();
                }

                break;
            }

            await Task.Delay(Poll, timeout.Token).ConfigureAwait(false);
        }

        if (exists)
        {
            await qmp.ExecuteAsync("job-dismiss", new JsonObject { ["id"] = jobId }, ct: ct).ConfigureAwait(false);
        }

        if (error is not null)
        {
            throw new QmpException(command, "JobFailed", error);
        }
    }
}
