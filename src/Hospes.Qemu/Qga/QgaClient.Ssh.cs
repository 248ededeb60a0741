using System.Globalization;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;

namespace Hospes.Qemu.Qga;

/// <summary>
/// A user's SSH keys in the guest: guest-ssh-add-authorized-keys (qemu-ga 5.2 and later), and the agent's file calls
/// for an agent without it (guest-file-read, guest-file-open in mode "a").
/// </summary>
public sealed partial class QgaClient
{
    /// <summary>The most read of one file (<see cref="ReadFileAsync"/>): guest-file-read gives at most 48 MiB a call, a line file is small.</summary>
    private const int ReadChunk = 64 << 10;

    /// <summary>
    /// guest-ssh-add-authorized-keys: <paramref name="keys"/> (OpenSSH public key lines) added to the authorized keys of
    /// <paramref name="user"/> in the guest (~/.ssh/authorized_keys, made with the user's owner and mode 0600 when
    /// missing); the keys it has are kept, a key it has already is not added twice. An agent without the command answers
    /// a Conflict (CommandNotFound, or disabled with qemu-ga -b).
    /// </summary>
    public async Task<Result<bool>> AddAuthorizedKeysAsync(string user, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var list = new JsonArray([.. keys.Select(k => JsonValue.Create(k))]);
        return ResultOf(await ExecuteAsync("guest-ssh-add-authorized-keys", new JsonObject { ["username"] = user, ["keys"] = list, ["reset"] = false }, ct).ConfigureAwait(false), _ => true);
    }

    /// <summary>
    /// The bytes of <paramref name="path"/> in the guest (guest-file-open "r", guest-file-read until its end, close), at
    /// most <paramref name="max"/>: a longer file is an error. A file that is not there is a Conflict (the agent's words).
    /// </summary>
    public async Task<Result<byte[]>> ReadFileAsync(string path, int max, CancellationToken ct)
    {
        Result<long> opened = await OpenFileAsync(path, "r", ct).ConfigureAwait(false);
        if (!opened.IsOk)
        {
            return opened.Error;
        }

        long handle = opened.Value;

        Result<byte[]> read = await ReadAllAsync(path, handle, max, ct).ConfigureAwait(false);
        Result<JsonNode?> closed = IsBroken ? Result.Ok<JsonNode?>(null) : await ExecuteAsync("guest-file-close", new JsonObject { ["handle"] = handle }, ct).ConfigureAwait(false);
        return !read.IsOk ? read.Error : closed.IsOk ? read : closed.Error;
    }

    /// <summary>Appends <paramref name="content"/> to <paramref name="path"/> in the guest (mode "a": made when missing, in a folder that is there).</summary>
    public Task<Result<bool>> AppendFileAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct) => PutFileAsync(path, "a", content, ct);

    private async Task<Result<byte[]>> ReadAllAsync(string path, long handle, int max, CancellationToken ct)
    {
        using var all = new MemoryStream();
        while (true)
        {
            Result<JsonNode?> chunk = await ExecuteAsync("guest-file-read", new JsonObject { ["handle"] = handle, ["count"] = ReadChunk }, ct).ConfigureAwait(false);
            if (!chunk.IsOk)
            {
                return chunk.Error;
            }

            byte[] bytes;
            bool eof;
            try
            {
                bytes = Convert.FromBase64String(QgaReplies.Text(chunk.Value, "buf-b64") ?? throw new FormatException("no buf-b64"));
                eof = chunk.Value?["eof"]?.GetValue<bool>() ?? throw new FormatException("no eof");
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                return Unreadable("guest-file-read", "its fields are not what the protocol says");
            }

            all.Write(bytes);
            if (all.Length > max)
            {
                return HospesError.Unavailable(string.Create(CultureInfo.InvariantCulture, $"{path} in VM {_vm} is longer than {max} bytes; Hospes reads no more of it"));
            }

            if (eof || bytes.Length == 0)
            {
                return all.ToArray();
            }
        }
    }
}
