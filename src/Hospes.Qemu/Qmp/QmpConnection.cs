using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// One QMP session over QEMU's monitor unix socket: typed replies by id, events on a channel.
/// A disconnect means QEMU stopped; <see cref="Closed"/> completes and pending commands fail.
/// </summary>
public sealed class QmpConnection : IQmp
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly QmpLog _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentDictionary<long, byte> _unlogged = new();
    private readonly QmpEventBuffer _events;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private long _nextId;
    private Task? _readLoop;

    private QmpConnection(Socket socket, QmpLog log, TimeProvider time)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _log = log;
        _time = time;
        _events = new QmpEventBuffer(note => log.Write("--", note), time);
    }

    /// <summary>QEMU's version from the greeting, e.g. 10.0.2.</summary>
    public Version QemuVersion { get; private set; } = new(0, 0);

    /// <summary>Completes when the socket closes, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    public ChannelReader<QmpEvent> Events => _events;

    /// <summary>Connects, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static async Task<QmpConnection> ConnectAsync(string socketPath, QmpLog log, TimeProvider time, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new QmpConnection(socket, log, time);
        try
        {
            await connection.HandshakeAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Runs one command; <paramref name="logged"/> false keeps it and its reply out of the QMP log (polling that
    /// runs every few seconds would bury what the log is for). Errors are logged either way.
    /// </summary>
    public Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, bool logged, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecuteCoreAsync(command, arguments, logged, timeout, null, ct);

    /// <summary>Runs one command with a file descriptor attached to it (SCM_RIGHTS), as add-fd and getfd take one.</summary>
    public Task<JsonElement> ExecuteWithFdAsync(string command, JsonObject? arguments, SafeHandle fd, CancellationToken ct = default) =>
        ExecuteCoreAsync(command, arguments, logged: true, null, fd, ct);

    private async Task<JsonElement> ExecuteCoreAsync(string command, JsonObject? arguments, bool logged, TimeSpan? timeout, SafeHandle? fd, CancellationToken ct)
    {
        long id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            if (_closed.Task.IsCompleted)
            {
                throw new QmpDisconnectedException($"QMP is closed; cannot run {command}");
            }

            if (!logged)
            {
                _unlogged[id] = 0;
            }

            await WriteAsync(request.ToJsonString(), logged, fd, ct).ConfigureAwait(false);
            JsonElement response = await reply.Task.WaitAsync(timeout ?? DefaultTimeout, _time, ct).ConfigureAwait(false);
            if (response.TryGetProperty("error", out var error))
            {
                throw new QmpException(
                    command,
                    error.TryGetProperty("class", out var c) ? c.GetString() ?? "" : "",
                    error.TryGetProperty("desc", out var d) ? d.GetString() ?? "" : "");
            }

            return response.TryGetProperty("return", out var value) ? value : default;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"QEMU did not answer {command} within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
            _unlogged.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by QEMU.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        if (_readLoop is not null)
        {
            await _readLoop.ConfigureAwait(false);
        }

        MarkClosed(null);
        _stop.Dispose();
        _writeGate.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken ct)
    {
        var reader = new StreamReader(_stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        string greetingLine = await reader.ReadLineAsync(ct).ConfigureAwait(false)
            ?? throw new QmpDisconnectedException("QEMU closed the QMP socket before its greeting");
        _log.Write("<-", greetingLine);
        using (var greeting = JsonDocument.Parse(greetingLine))
        {
            if (greeting.RootElement.TryGetProperty("QMP", out var qmp)
                && qmp.TryGetProperty("version", out var version)
                && version.TryGetProperty("qemu", out var q))
            {
                QemuVersion = new Version(q.GetProperty("major").GetInt32(), q.GetProperty("minor").GetInt32(), q.GetProperty("micro").GetInt32());
            }
        }

        _readLoop = Task.Run(() => ReadLoopAsync(reader), CancellationToken.None);
        await ExecuteAsync("qmp_capabilities", null, logged: true, ct: ct).ConfigureAwait(false);
    }

    private async Task WriteAsync(string json, bool logged, SafeHandle? fd, CancellationToken ct)
    {
        if (logged)
        {
            _log.Write("->", json);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(json + "\n");
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int sent = fd is null ? 0 : UnixFdSender.Send(_socket, bytes, fd);
            if (sent < bytes.Length)
            {
                await _stream.WriteAsync(bytes.AsMemory(sent), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new QmpDisconnectedException("QMP socket closed while sending", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReadLoopAsync(StreamReader reader)
    {
        Exception? failure = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                Dispatch(line);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or JsonException)
        {
            failure = e;
        }
        finally
        {
            reader.Dispose();
            MarkClosed(failure);
        }
    }

    private void Dispatch(string line)
    {
        // The element outlives the document: clone it.
        using var doc = JsonDocument.Parse(line);
        JsonElement root = doc.RootElement.Clone();
        bool unlogged = root.TryGetProperty("id", out var replyTo) && replyTo.TryGetInt64(out long replyId)
            && _unlogged.ContainsKey(replyId) && !root.TryGetProperty("error", out _);
        if (!unlogged)
        {
            _log.Write("<-", line);
        }

        if (root.TryGetProperty("event", out var name))
        {
            _events.Add(new QmpEvent(name.GetString() ?? "", root.TryGetProperty("data", out var data) ? data : default, ReadTimestamp(root)));
            return;
        }

        if (root.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out long id) && _pending.TryRemove(id, out var reply))
        {
            reply.TrySetResult(root);
        }
    }

    private DateTimeOffset ReadTimestamp(JsonElement root)
    {
        if (root.TryGetProperty("timestamp", out var ts)
            && ts.TryGetProperty("seconds", out var s)
            && ts.TryGetProperty("microseconds", out var us))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((s.GetInt64() * 1000) + (us.GetInt64() / 1000));
        }

        return _time.GetUtcNow();
    }

    private void MarkClosed(Exception? failure)
    {
        if (!_closed.TrySetResult())
        {
            return;
        }

        _log.Write("--", failure is null ? "closed" : $"closed: {failure.Message}");
        _events.Complete();
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new QmpDisconnectedException("QEMU closed the QMP socket (it has exited)", failure ?? new EndOfStreamException()));
        }
    }
}
