using System.Globalization;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;

namespace Hospes.Qemu.Qga;

/// <summary>guest-file-open, guest-file-write and guest-file-close: a file written by the agent itself, no process started in the guest.</summary>
public sealed partial class QgaClient
{
    /// <summary>
    /// Writes <paramref name="content"/> into <paramref name="path"/> in the guest (mode "w": created or truncated) with
    /// the agent's own file calls: no process starts in the guest. The handle is closed even when the write failed.
    /// </summary>
    public Task<Result<bool>> WriteFileAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct) => PutFileAsync(path, "w", content, ct);

    /// <summary>As <see cref="WriteFileAsync"/> in mode <paramref name="mode"/> of fopen ("w", "a").</summary>
    private async Task<Result<bool>> PutFileAsync(string path, string mode, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        Result<long> opened = await OpenFileAsync(path, mode, ct).ConfigureAwait(false);
        if (!opened.IsOk)
        {
            return opened.Error;
        }

        long handle = opened.Value;

        Result<JsonNode?> written = await ExecuteAsync("guest-file-write", new JsonObject { ["handle"] = handle, ["buf-b64"] = Convert.ToBase64String(content.Span) }, ct).ConfigureAwait(false);
        Result<JsonNode?> closed = IsBroken ? written : await ExecuteAsync("guest-file-close", new JsonObject { ["handle"] = handle }, ct).ConfigureAwait(false);
        if (!written.IsOk)
        {
            return written.Error;
        }

        long count;
        try
        {
            count = written.Value?["count"]?.GetValue<long>() ?? -1;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            count = -1;
        }

        if (count != content.Length)
        {
            return HospesError.Unavailable(string.Create(CultureInfo.InvariantCulture,
                $"the guest agent of VM {_vm} wrote {count} of {content.Length} bytes to {path}"));
        }

        return closed.IsOk ? true : closed.Error;
    }

    /// <summary>guest-file-open of <paramref name="path"/> in fopen's <paramref name="mode"/>: the agent's handle.</summary>
    private async Task<Result<long>> OpenFileAsync(string path, string mode, CancellationToken ct)
    {
        Result<JsonNode?> opened = await ExecuteAsync("guest-file-open", new JsonObject { ["path"] = path, ["mode"] = mode }, ct).ConfigureAwait(false);
        if (!opened.IsOk)
        {
            return opened.Error;
        }

        try
        {
            return opened.Value?.GetValue<long>() ?? throw new FormatException("no handle");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return Unreadable("guest-file-open", "it has no handle");
        }
    }
}
