using Hospes.Core.Errors;
using Hospes.Qemu.Qga;

namespace Hospes.Host.Vms.Agent;

/// <summary>
/// The one connection hospesd keeps to a VM's agent socket while its QEMU runs. QEMU's socket serves one client, and
/// with none on it the guest's qemu-ga keeps waking on the closed port (an idle tiny guest under TCG: 1.8 % of a core
/// against 0.7 % with a client holding the socket). Whoever uses or changes the connection holds <see cref="Turn"/>.
/// </summary>
internal sealed class AgentLink(string vm, AgentDialer dial, TimeProvider time)
{
    private QgaClient? _client;
    private string? _socket;
    private int? _pid;

    /// <summary>The VM's name, as messages say it.</summary>
    public string Vm => vm;

    /// <summary>One request (or the keeper) at a time.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>Closed for good (its VM's QEMU is gone); someone who waited for its turn takes the VM's new link. Under the turn.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether a connection is open (tests, diagnostics).</summary>
    public bool IsOpen => _client is not null;

    /// <summary>How many times a connection was opened (tests: a connection is reused).</summary>
    public int Dials { get; private set; }

    /// <summary>
    /// Under the turn: the connection to <paramref name="socket"/> of the QEMU <paramref name="pid"/>, synchronised, the
    /// agent given <paramref name="timeout"/> per answer. A connection to an earlier QEMU, a broken one or one its QEMU
    /// closed is replaced; a kept connection that turns out closed while synchronising is dialled once again.
    /// </summary>
    public async Task<Result<QgaClient>> ReadyAsync(string socket, int? pid, TimeSpan timeout, CancellationToken ct)
    {
        while (true)
        {
            await DropStaleAsync(socket, pid).ConfigureAwait(false);
            bool fresh = _client is null;
            if (fresh && await OpenAsync(socket, pid, timeout, ct).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            Result<bool> synced = await _client!.ResyncAsync(timeout, ct).ConfigureAwait(false);
            if (synced.IsOk)
            {
                return _client;
            }

            await CloseAsync().ConfigureAwait(false);
            if (fresh || synced.Error.Code == ErrorCode.Timeout)
            {
                return synced.Error;
            }
        }
    }

    /// <summary>Under the turn: opens the connection if there is none (nothing sent: the guest's agent may not run yet).</summary>
    public async Task<HospesError?> HoldAsync(string socket, int? pid, CancellationToken ct)
    {
        await DropStaleAsync(socket, pid).ConfigureAwait(false);
        return _client is null ? await OpenAsync(socket, pid, QgaClient.DefaultTimeout, ct).ConfigureAwait(false) : null;
    }

    /// <summary>Under the turn: closes the connection for good.</summary>
    public async Task EndAsync()
    {
        Ended = true;
        await CloseAsync().ConfigureAwait(false);
    }

    private async Task<HospesError?> OpenAsync(string socket, int? pid, TimeSpan timeout, CancellationToken ct)
    {
        Result<Stream> stream = await dial(socket, vm, timeout, ct).ConfigureAwait(false);
        if (!stream.IsOk)
        {
            return stream.Error;
        }

        Dials++;
        _client = QgaClient.Over(stream.Value, vm, time: time);
        _socket = socket;
        _pid = pid;
        return null;
    }

    private async Task DropStaleAsync(string socket, int? pid)
    {
        if (_client is not null && (_client.IsBroken || _client.PeerClosed || _socket != socket || _pid != pid))
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseAsync()
    {
        if (_client is { } c)
        {
            _client = null;
            await c.DisposeAsync().ConfigureAwait(false);
        }
    }
}
