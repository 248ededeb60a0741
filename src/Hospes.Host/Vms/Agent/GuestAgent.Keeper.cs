using System.Threading.Channels;
using Hospes.Host.Machine;

namespace Hospes.Host.Vms.Agent;

/// <summary>
/// The keeper: one connection open to the agent socket of every VM whose QEMU runs, none to the others. It passes over
/// the VMs at start (a restarted hospesd), on every change of a VM's state (start, restore, a fork, a migration's
/// arrival, a stop) and every few seconds (a connection whose QEMU went, a QEMU that came without a change of state).
/// </summary>
internal sealed partial class GuestAgent : IAsyncDisposable
{
    /// <summary>How often the keeper passes over the VMs without being woken.</summary>
    public static readonly TimeSpan KeepEvery = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private EventSubscription? _changes;
    private Task _keeping = Task.CompletedTask;

    /// <summary>Starts the keeper over <paramref name="targets"/>, woken by every change of a VM's state in <paramref name="events"/>.</summary>
    public void Start(Func<IReadOnlyList<AgentTarget>> targets, HostEvents? events)
    {
        // The filter runs in the publisher's thread and only wakes the keeper (a bounded channel of one): it queues nothing.
        _changes = events?.Subscribe(e =>
        {
            if (e.VmUuid is not null && e.State is not null)
            {
                _wake.Writer.TryWrite(true);
            }

            return false;
        });
        _keeping = KeepAsync(targets, _stop.Token);
    }

    /// <summary>One pass: a connection for every VM whose QEMU runs and has an agent socket; the others' closed and forgotten.</summary>
    public async Task KeepOnceAsync(IReadOnlyList<AgentTarget> targets, CancellationToken ct)
    {
        var live = targets.Where(t => t.Pid is not null && t.Socket is { } s && File.Exists(s)).ToDictionary(t => t.Uuid);
        foreach ((Guid uuid, AgentLink link) in _links)
        {
            // A link in use is left to its request; the next pass closes it.
            if (!live.ContainsKey(uuid) && link.Turn.Wait(0, CancellationToken.None))
            {
                try
                {
                    _links.TryRemove(uuid, out _);
                    bool open = link.IsOpen;
                    await link.EndAsync().ConfigureAwait(false);
                    if (open)
                    {
                        AgentLog.Closed(log, link.Vm);
                    }
                }
                finally
                {
                    link.Turn.Release();
                }
            }
        }

        foreach (AgentTarget t in live.Values)
        {
            AgentLink link = Link(t.Uuid, t.Name);
            if (link.Turn.Wait(0, CancellationToken.None))
            {
                try
                {
                    bool open = link.IsOpen;
                    if (!link.Ended && await link.HoldAsync(t.Socket!, t.Pid, ct).ConfigureAwait(false) is null && !open)
                    {
                        AgentLog.Opened(log, t.Name);
                    }
                }
                finally
                {
                    link.Turn.Release();
                }
            }
        }
    }

    /// <summary>The VMs with a link (tests: nothing is kept for a VM whose QEMU is gone).</summary>
    internal IReadOnlyCollection<Guid> Linked => [.. _links.Keys];

    internal AgentLink? LinkOf(Guid uuid) => _links.GetValueOrDefault(uuid);

    public async ValueTask DisposeAsync()
    {
        _changes?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _keeping.ConfigureAwait(false);
        _stop.Dispose();
        foreach (AgentLink link in _links.Values)
        {
            await link.Turn.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await link.EndAsync().ConfigureAwait(false);
        }

        _links.Clear();
    }

    private async Task KeepAsync(Func<IReadOnlyList<AgentTarget>> targets, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await KeepOnceAsync(targets(), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or InvalidOperationException)
            {
                AgentLog.KeepFailed(log, e);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task woken = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
            Task tick = Task.Delay(KeepEvery, time, wait.Token);
            await Task.WhenAny(woken, tick).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
    }
}
