using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hospes.Core.Errors;

namespace Hospes.Qemu.Qga;

/// <summary>
/// A typed client of the QEMU guest agent (qemu-ga) over its channel, a unix socket QEMU serves. A connection may be
/// kept for the VM's life: each use synchronises first (<see cref="ResyncAsync"/>: guest-sync-delimited after a 0xFF that
/// resets the agent's parser; the reply comes after a 0xFF, and whatever an earlier request left unread is skipped),
/// then sends commands one at a time. The guest is not trusted:
/// every reply is bounded in length and time, and a reply it cannot read ends the connection with a clear error.
/// </summary>
public sealed partial class QgaClient : IAsyncDisposable
{
    /// <summary>How long the agent may take to answer one command.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest reply line taken (guest-exec-status carries the output, base64).</summary>
    public const int DefaultMaxReply = 8 << 20;

    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly Stream _stream;
    private readonly QgaLineReader _reader;
    private readonly string _vm;
    private TimeSpan _timeout;
    private readonly TimeProvider _time;
    private HospesError? _broken;

    private QgaClient(Stream stream, string vm, TimeSpan timeout, int maxReply, TimeProvider time)
    {
        _stream = stream;
        _reader = new QgaLineReader(stream, maxReply);
        _vm = vm;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>The VM's name as messages say it.</summary>
    public string Vm => _vm;

    /// <summary>Connects to the agent's socket of VM <paramref name="vm"/> and synchronises with the agent.</summary>
    public static async Task<Result<QgaClient>> ConnectAsync(string socketPath, string vm, TimeSpan timeout, CancellationToken ct, TimeProvider? time = null)
    {
        Result<Stream> stream = await DialAsync(socketPath, vm, timeout, ct).ConfigureAwait(false);
        return stream.IsOk ? await OpenAsync(stream.Value, vm, timeout, ct, time: time).ConfigureAwait(false) : stream.Error;
    }

    /// <summary>Connects to the agent's socket of VM <paramref name="vm"/>, nothing sent yet.</summary>
    public static async Task<Result<Stream>> DialAsync(string socketPath, string vm, TimeSpan timeout, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connect.CancelAfter(timeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            return HospesError.Unavailable(
                $"cannot reach the guest agent channel of VM {vm} ({socketPath}): {e.Message}; is the VM running, and was it started by a Hospes that gives VMs an agent channel (start it again)?");
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// A client on <paramref name="stream"/> (owned from here on) that has not synchronised yet: the guest's agent may
    /// not run yet. Call <see cref="ResyncAsync"/> before each use.
    /// </summary>
    public static QgaClient Over(Stream stream, string vm, int maxReply = DefaultMaxReply, TimeProvider? time = null) =>
        new(stream, vm, DefaultTimeout, maxReply, time ?? TimeProvider.System);

    /// <summary>Synchronises with the agent at the other end of <paramref name="stream"/> (owned from here on).</summary>
    public static async Task<Result<QgaClient>> OpenAsync(
        Stream stream, string vm, TimeSpan timeout, CancellationToken ct, int maxReply = DefaultMaxReply, TimeProvider? time = null)
    {
        var client = new QgaClient(stream, vm, timeout, maxReply, time ?? TimeProvider.System);
        Result<bool> synced = await client.SyncAsync(ct).ConfigureAwait(false);
        if (synced.IsOk)
        {
            return client;
        }

        await client.DisposeAsync().ConfigureAwait(false);
        return synced.Error;
    }

    /// <summary>guest-ping: the agent answers.</summary>
    public async Task<Result<bool>> PingAsync(CancellationToken ct) =>
        ResultOf(await ExecuteAsync("guest-ping", null, ct).ConfigureAwait(false), _ => true);

    /// <summary>guest-info.</summary>
    public async Task<Result<QgaAgentInfo>> InfoAsync(CancellationToken ct) =>
        ResultOf(await ExecuteAsync("guest-info", null, ct).ConfigureAwait(false), "guest-info", QgaReplies.AgentInfo);

    /// <summary>guest-get-osinfo.</summary>
    public async Task<Result<QgaOsInfo>> OsInfoAsync(CancellationToken ct) =>
        ResultOf(await ExecuteAsync("guest-get-osinfo", null, ct).ConfigureAwait(false), "guest-get-osinfo", QgaReplies.OsInfo);

    /// <summary>guest-get-host-name.</summary>
    public async Task<Result<string>> HostNameAsync(CancellationToken ct) =>
        ResultOf(await ExecuteAsync("guest-get-host-name", null, ct).ConfigureAwait(false), "guest-get-host-name", r => QgaReplies.Text(r, "host-name"));

    /// <summary>guest-network-get-interfaces.</summary>
    public async Task<Result<IReadOnlyList<QgaInterface>>> InterfacesAsync(CancellationToken ct) =>
        ResultOf(await ExecuteAsync("guest-network-get-interfaces", null, ct).ConfigureAwait(false), "guest-network-get-interfaces", QgaReplies.Interfaces);

    /// <summary>guest-set-time: the guest's clock (and its hardware clock) to <paramref name="time"/>.</summary>
    public async Task<Result<bool>> SetTimeAsync(DateTimeOffset time, CancellationToken ct)
    {
        long ns = checked((time - DateTimeOffset.UnixEpoch).Ticks * 100);
        return ResultOf(await ExecuteAsync("guest-set-time", new JsonObject { ["time"] = ns }, ct).ConfigureAwait(false), _ => true);
    }

    /// <summary>guest-get-time: the guest's system clock.</summary>
    public async Task<Result<DateTimeOffset>> GetTimeAsync(CancellationToken ct)
    {
        Result<JsonNode?> reply = await ExecuteAsync("guest-get-time", null, ct).ConfigureAwait(false);
        if (!reply.IsOk)
        {
            return reply.Error;
        }

        return reply.Value is JsonValue v && v.TryGetValue(out long ns) && ns >= 0
            ? DateTimeOffset.UnixEpoch.AddTicks(ns / 100)
            : Unreadable("guest-get-time", "its answer is not a count of nanoseconds");
    }

    /// <summary>Whether a request failed in a way that ends the connection (no answer in time, a reply it cannot read, closed).</summary>
    public bool IsBroken => _broken is not null;

    /// <summary>Whether the other end closed the socket (the QEMU ended): nothing to read and end of stream. Only between uses.</summary>
    public bool PeerClosed
    {
        get
        {
            try
            {
                return _stream is NetworkStream { Socket: var s } && s.Poll(0, SelectMode.SelectRead) && s.Available == 0;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Synchronises again before a use of a kept connection; from here on the agent has <paramref name="timeout"/> to answer
    /// each command. Whatever an earlier request left unread (one that timed out) is skipped.
    /// </summary>
    public Task<Result<bool>> ResyncAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_broken is not null)
        {
            return Task.FromResult<Result<bool>>(_broken);
        }

        _timeout = timeout;
        return SyncAsync(ct);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private async Task<Result<bool>> SyncAsync(CancellationToken ct)
    {
        long id = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(_timeout);
        try
        {
            await _stream.WriteAsync(new[] { QgaLineReader.Delimiter }, limit.Token).ConfigureAwait(false);
            await WriteCommandAsync("guest-sync-delimited", new JsonObject { ["id"] = id }, limit.Token).ConfigureAwait(false);
            if (!await _reader.SkipPastDelimiterAsync(limit.Token).ConfigureAwait(false))
            {
                return Closed();
            }

            // Replies an earlier client left unread may come before ours; a guest that only ever sends others is cut off by the timeout.
            while (true)
            {
                Result<JsonNode?> reply = await ReadReplyAsync("guest-sync-delimited", limit.Token, syncing: true).ConfigureAwait(false);
                if (!reply.IsOk && reply.Error.Code != ErrorCode.Conflict)
                {
                    return reply.Error;
                }

                if (reply.IsOk && reply.Value is JsonValue v && v.TryGetValue(out long got) && got == id)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Break(NoAnswer());
        }
        catch (QgaTooLongException)
        {
            return Break(TooLong());
        }
        catch (IOException e)
        {
            return Break(Lost(e));
        }
    }

    /// <summary>Sends one command and reads its reply: the "return" value, or the agent's error.</summary>
    internal async Task<Result<JsonNode?>> ExecuteAsync(string command, JsonObject? arguments, CancellationToken ct)
    {
        if (_broken is not null)
        {
            return _broken;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(_timeout);
        try
        {
            await WriteCommandAsync(command, arguments, limit.Token).ConfigureAwait(false);
            return await ReadReplyAsync(command, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Break(NoAnswer());
        }
        catch (QgaTooLongException)
        {
            return Break(TooLong());
        }
        catch (IOException e)
        {
            return Break(Lost(e));
        }
    }

    private async Task WriteCommandAsync(string command, JsonObject? arguments, CancellationToken ct)
    {
        var message = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            message["arguments"] = arguments;
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), ct).ConfigureAwait(false);
        await _stream.WriteAsync(Newline, ct).ConfigureAwait(false);
        await _stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The next non-empty line as a reply. An agent's error is a Conflict carrying its words. While
    /// <paramref name="syncing"/>, what is not a reply (an earlier sync's 0xFF, a torn line) is skipped.
    /// </summary>
    private async Task<Result<JsonNode?>> ReadReplyAsync(string command, CancellationToken ct, bool syncing = false)
    {
        while (true)
        {
            byte[]? line = await _reader.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null)
            {
                return Closed();
            }

            ReadOnlySpan<byte> text = line.AsSpan().Trim(" \r\t"u8);
            if (syncing)
            {
                text = text.TrimStart(QgaLineReader.Delimiter);
            }

            if (text.IsEmpty)
            {
                continue;
            }

            JsonNode? reply;
            try
            {
                reply = JsonNode.Parse(text);
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
            {
                if (syncing)
                {
                    continue;
                }

                return Break(Unreadable(command, "it is not JSON"));
            }

            if (reply is JsonObject o && o.TryGetPropertyValue("return", out JsonNode? value))
            {
                return value;
            }

            if (reply is JsonObject e2 && e2["error"] is JsonObject error)
            {
                string desc = QgaReplies.Text(error, "desc") ?? "no reason given";
                string cls = QgaReplies.Text(error, "class") ?? "Error";
                return new HospesError(ErrorCode.Conflict, $"the guest agent of VM {_vm} refused {command}: {QgaReplies.Printable(desc)} ({QgaReplies.Printable(cls)})");
            }

            if (!syncing)
            {
                return Break(Unreadable(command, "it has neither \"return\" nor \"error\""));
            }
        }
    }

    private static Result<T> ResultOf<T>(Result<JsonNode?> reply, Func<JsonNode?, T> map) => reply.IsOk ? map(reply.Value) : reply.Error;

    private Result<T> ResultOf<T>(Result<JsonNode?> reply, string command, Func<JsonNode?, T?> map)
        where T : class
    {
        if (!reply.IsOk)
        {
            return reply.Error;
        }

        T? value;
        try
        {
            value = map(reply.Value);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or JsonException)
        {
            value = null;
        }

        return value is null ? Unreadable(command, "its fields are not what the protocol says") : value;
    }

    private HospesError Break(HospesError error) => _broken ??= error;

    private HospesError NoAnswer() => new(ErrorCode.Timeout,
        $"the guest agent of VM {_vm} did not answer within {Seconds(_timeout)} s: is qemu-guest-agent running in the guest?");

    private HospesError TooLong() => Break(HospesError.Unavailable(
        $"the guest agent of VM {_vm} sent a reply longer than {Size(_reader.MaxLine)}; Hospes reads no more of it (a command's output that large belongs in a file in the guest)"));

    private HospesError Unreadable(string command, string why) => Break(HospesError.Unavailable(
        $"the guest agent of VM {_vm} answered {command} with a reply Hospes cannot read ({why}); is the program on the guest's org.qemu.guest_agent.0 port a QEMU guest agent?"));

    private HospesError Closed() => Break(HospesError.Unavailable(
        $"the guest agent channel of VM {_vm} closed: the VM stopped, or another client holds the channel"));

    private HospesError Lost(IOException e) => Break(HospesError.Unavailable($"the guest agent channel of VM {_vm} failed: {e.Message}"));

    private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
