using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Hospes.Host.Console;

/// <summary>
/// Shares one VM's serial console between any number of clients: hospesd is QEMU's only client on the
/// console socket and fans the guest's output out; input from every client goes to the guest.
/// QEMU itself writes the console log, so history survives hospesd restarts.
/// </summary>
public sealed class ConsoleHub : IAsyncDisposable
{
    private readonly string _socketPath;
    private readonly ConcurrentDictionary<Guid, Channel<byte[]>> _clients = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task? _readLoop;

    internal ConsoleHub(string socketPath)
    {
        _socketPath = socketPath;
    }

    /// <summary>Adds a client; its channel completes when the VM stops or the session is disposed.</summary>
    public async Task<ConsoleSession> AttachAsync(CancellationToken ct)
    {
        await EnsureConnectedAsync(ct).ConfigureAwait(false);
        var id = Guid.NewGuid();
        var output = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _clients[id] = output;
        return new ConsoleSession(output.Reader, this, id);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        Socket socket = _socket ?? throw new InvalidOperationException("console is not connected");
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(input, SocketFlags.None, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal void Detach(Guid id)
    {
        if (_clients.TryRemove(id, out var channel))
        {
            channel.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        if (_readLoop is not null)
        {
            await _readLoop.ConfigureAwait(false);
        }

        CloseAll();
        _stop.Dispose();
        _gate.Dispose();
    }

    private async Task EnsureConnectedAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket is not null)
            {
                return;
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _socket = socket;
            _readLoop = Task.Run(() => ReadLoopAsync(socket), CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReadLoopAsync(Socket socket)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                byte[] chunk = buffer.AsSpan(0, n).ToArray();
                foreach (var client in _clients.Values)
                {
                    client.Writer.TryWrite(chunk);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        CloseAll();
    }

    private void CloseAll()
    {
        foreach (Guid id in _clients.Keys)
        {
            Detach(id);
        }
    }
}
