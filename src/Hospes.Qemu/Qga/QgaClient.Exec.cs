using System.Text.Json.Nodes;
using Hospes.Core.Errors;

namespace Hospes.Qemu.Qga;

/// <summary>guest-exec and guest-exec-status: run a program in the guest and wait for it.</summary>
public sealed partial class QgaClient
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs <paramref name="path"/> (looked up in the agent's PATH) with <paramref name="arguments"/> in the guest, its
    /// output captured, and waits up to <paramref name="limit"/> for it to end. A command still running then is left
    /// running, and the error names its pid. Its status is asked after 50 ms, then ever less often, at most every
    /// <paramref name="longestPoll"/> (500 ms unless given): each ask wakes the agent in the guest.
    /// </summary>
    public async Task<Result<QgaExecResult>> ExecAsync(string path, IReadOnlyList<string> arguments, TimeSpan limit, CancellationToken ct, TimeSpan? longestPoll = null)
    {
        var args = new JsonObject
        {
            ["path"] = path,
            ["arg"] = new JsonArray([.. arguments.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["capture-output"] = true,
        };
        Result<JsonNode?> reply = await ExecuteAsync("guest-exec", args, ct).ConfigureAwait(false);
        if (!reply.IsOk)
        {
            return reply.Error;
        }

        int? pid;
        try
        {
            pid = QgaReplies.Pid(reply.Value);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            pid = null;
        }

        return pid is { } p ? await WaitAsync(path, p, limit, longestPoll ?? LongestPoll, ct).ConfigureAwait(false) : Unreadable("guest-exec", "it has no pid");
    }

    private async Task<Result<QgaExecResult>> WaitAsync(string path, int pid, TimeSpan limit, TimeSpan longest, CancellationToken ct)
    {
        long start = _time.GetTimestamp();
        TimeSpan pause = FirstPoll;
        while (true)
        {
            Result<JsonNode?> reply = await ExecuteAsync("guest-exec-status", new JsonObject { ["pid"] = pid }, ct).ConfigureAwait(false);
            if (!reply.IsOk)
            {
                return reply.Error;
            }

            (bool Exited, QgaExecResult Result)? status;
            try
            {
                status = QgaReplies.ExecStatus(reply.Value, pid);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
            {
                status = null;
            }

            if (status is null)
            {
                return Unreadable("guest-exec-status", "its fields are not what the protocol says");
            }

            if (status.Value.Exited)
            {
                return status.Value.Result;
            }

            if (_time.GetElapsedTime(start) >= limit)
            {
                return new HospesError(ErrorCode.Timeout,
                    $"{path} did not end within {Seconds(limit)} s in VM {_vm}; it still runs in the guest as pid {pid} (give more time with --timeout)");
            }

            await Task.Delay(pause, _time, ct).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, longest.Ticks));
        }
    }
}
