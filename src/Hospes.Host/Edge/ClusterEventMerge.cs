using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Wire = Hospes.Contracts;

namespace Hospes.Host.Edge;

/// <summary>How often the members are read again, and how a member's stream is retried.</summary>
internal sealed record ClusterEventTiming(TimeSpan ViewEvery, TimeSpan RetryFirst, TimeSpan RetryMax, TimeSpan FirstWithin)
{
    public static ClusterEventTiming Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
}

/// <summary>A member's event stream could not be opened or broke off: why, in words for the stream's lagged event.</summary>
internal sealed class MemberEventsException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// `GET /v1/events?cluster=true`: this host's events and those of every other member up, as one stream, each event
/// with the host it came from. A member's stream is opened as the caller (the member filters what the caller may see),
/// opened again when it drops (retried, 2 s doubling to 30 s), opened when a member comes up, closed when one goes. Any
/// gap (a member's stream dropped, opened after the start, or its host gone) is a lagged event naming that host: a
/// reader reads the state again, as after its own lag. A member that does not answer never holds the others.
/// </summary>
internal sealed class ClusterEventMerge : IAsyncDisposable
{
    private const int Capacity = 1024;
    private readonly string _self;
    private readonly IAsyncEnumerable<Wire.HostEvent> _local;
    private readonly Func<CancellationToken, Task<IReadOnlyCollection<string>?>> _members;
    private readonly Func<string, CancellationToken, Task<IAsyncEnumerable<Wire.HostEvent>>> _open;
    private readonly ClusterEventTiming _timing;
    private readonly TimeProvider _time;
    private readonly Action<string, string> _lost;
    private readonly Action<string> _back;
    private readonly Channel<Wire.HostEvent> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Pump> _pumps = new(StringComparer.Ordinal);
    private readonly List<Task> _tasks = [];
    private readonly List<CancellationTokenSource> _sources = [];
    private readonly Lock _gate = new();
    private long _dropped;

    /// <param name="self">This host's name (its events are given it).</param>
    /// <param name="local">This host's events as the caller may see them.</param>
    /// <param name="members">The other members up now; null when that cannot be read (the streams open stay).</param>
    /// <param name="open">Opens a member's stream (as the caller); throws <see cref="MemberEventsException"/> when it cannot, and the stream throws it when it breaks.</param>
    /// <param name="lost">Told when a member's stream is lost (host, why): once per loss, not per retry.</param>
    /// <param name="back">Told when a member's stream is followed again after a loss or a late start.</param>
    public ClusterEventMerge(
        string self,
        IAsyncEnumerable<Wire.HostEvent> local,
        Func<CancellationToken, Task<IReadOnlyCollection<string>?>> members,
        Func<string, CancellationToken, Task<IAsyncEnumerable<Wire.HostEvent>>> open,
        ClusterEventTiming timing,
        TimeProvider time,
        Action<string, string> lost,
        Action<string> back)
    {
        _self = self;
        _local = local;
        _members = members;
        _open = open;
        _timing = timing;
        _time = time;
        _lost = lost;
        _back = back;
        _queue = Channel.CreateBounded<Wire.HostEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Starts following: returns once each member up has been tried once (or after FirstWithin), so events from then on are in the stream or a lagged event says a gap.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        CancellationToken stop = _stop.Token;
        _tasks.Add(Task.Run(() => LocalAsync(stop), CancellationToken.None));
        IReadOnlyCollection<string>? members = await MembersAsync(ct).ConfigureAwait(false);
        Task[] first = [.. Apply(members ?? [], atStart: true).Select(p => p.FirstTried.Task)];
        try
        {
            await Task.WhenAll(first).WaitAsync(_timing.FirstWithin, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A member slow to answer: its stream comes later, with a lagged event.
        }

        _tasks.Add(Task.Run(() => WatchMembersAsync(stop), CancellationToken.None));
    }

    /// <summary>The merged events, a lagged event first after this reader lost some; ends when this host's stream ends.</summary>
    public async IAsyncEnumerable<Wire.HostEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        ChannelReader<Wire.HostEvent> reader = _queue.Reader;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out Wire.HostEvent? e))
            {
                long lost = Interlocked.Exchange(ref _dropped, 0);
                if (lost > 0)
                {
                    yield return new Wire.HostEvent
                    {
                        Type = "lagged",
                        Time = _time.GetUtcNow(),
                        Dropped = lost,
                        Message = $"this stream read too slowly: {lost} event(s) dropped",
                    };
                }

                yield return e;
            }
        }
    }

    /// <summary>The members followed now (tests).</summary>
    internal IReadOnlyList<string> Following
    {
        get
        {
            lock (_gate)
            {
                return [.. _pumps.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _tasks, .. _pumps.Values.Select(p => p.Task)];
        }

        await Task.WhenAll(tasks).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (CancellationTokenSource source in _sources)
            {
                source.Dispose();
            }
        }

        _stop.Dispose();
        _queue.Writer.TryComplete();
    }

    private async Task LocalAsync(CancellationToken ct)
    {
        try
        {
            await foreach (Wire.HostEvent e in _local.WithCancellation(ct).ConfigureAwait(false))
            {
                _queue.Writer.TryWrite(e with { Host = _self });
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        // This host's stream ended (hospesd stops): so does the merged one.
        _queue.Writer.TryComplete();
    }

    private async Task WatchMembersAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_timing.ViewEvery, _time, ct).ConfigureAwait(false);
                if (await MembersAsync(ct).ConfigureAwait(false) is { } members)
                {
                    Apply(members, atStart: false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<IReadOnlyCollection<string>?> MembersAsync(CancellationToken ct)
    {
        try
        {
            return await _members(ct).ConfigureAwait(false);
        }
        catch (MemberEventsException)
        {
            return null;
        }
    }

    /// <summary>Follows each member of <paramref name="members"/> not followed yet; stops following those not in it (a gap each). Returns the new ones.</summary>
    private List<Pump> Apply(IReadOnlyCollection<string> members, bool atStart)
    {
        var added = new List<Pump>();
        var gone = new List<string>();
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return added;
            }

            foreach (string m in members.Where(m => m != _self && !_pumps.ContainsKey(m)))
            {
                var pump = new Pump(CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
                _sources.Add(pump.Stop);
                _pumps[m] = pump;
                added.Add(pump);
                pump.Task = Task.Run(() => PumpAsync(m, pump, atStart), CancellationToken.None);
            }

            foreach (string m in _pumps.Keys.Where(m => !members.Contains(m)).ToList())
            {
                Pump pump = _pumps[m];
                _pumps.Remove(m);
                _tasks.Add(pump.Task);
                pump.Stop.Cancel();
                gone.Add(m);
            }
        }

        foreach (string m in gone)
        {
            Gap(m, $"host '{m}' is down or left the cluster: its VMs may have changed since; their state is read again from the list");
        }

        return added;
    }

    /// <summary>One member's stream: opened, relayed, and opened again after a drop, until the member goes or the merge ends.</summary>
    private async Task PumpAsync(string member, Pump pump, bool atStart)
    {
        CancellationToken ct = pump.Stop.Token;
        bool gap = !atStart;
        bool lostSaid = false;
        TimeSpan wait = _timing.RetryFirst;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                string why;
                bool opened = false;
                long since = _time.GetTimestamp();
                try
                {
                    IAsyncEnumerable<Wire.HostEvent> stream = await _open(member, ct).ConfigureAwait(false);
                    opened = true;
                    pump.FirstTried.TrySetResult();
                    if (gap)
                    {
                        if (lostSaid)
                        {
                            _back(member);
                        }

                        Gap(member, $"host '{member}''s events are followed from now on (some may have been missed before)");
                    }

                    lostSaid = false;
                    await foreach (Wire.HostEvent e in stream.WithCancellation(ct).ConfigureAwait(false))
                    {
                        _queue.Writer.TryWrite(e with { Host = e.Host ?? member });
                    }

                    why = "its stream ended (its hospesd stops or restarts)";
                }
                catch (MemberEventsException e)
                {
                    why = e.Message;
                }

                pump.FirstTried.TrySetResult();
                gap = true;
                if (opened)
                {
                    // A stream that ran broke off: a reader's list may be stale from here.
                    Gap(member, $"host '{member}''s events stopped: {why}; its VMs show their last known state until it answers again");
                }

                if (!lostSaid)
                {
                    _lost(member, why);
                    lostSaid = true;
                }

                // A stream that lasted starts the retries again from the shortest wait; one that keeps ending at once waits longer each time.
                wait = opened && _time.GetElapsedTime(since) >= _timing.RetryMax ? _timing.RetryFirst : wait;
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _timing.RetryMax.Ticks));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            pump.FirstTried.TrySetResult();
        }
    }

    /// <summary>A lagged event naming <paramref name="member"/>: events of its VMs may have been missed.</summary>
    private void Gap(string member, string message) =>
        _queue.Writer.TryWrite(new Wire.HostEvent { Type = "lagged", Time = _time.GetUtcNow(), Host = member, Message = message });

    private sealed class Pump(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public TaskCompletionSource FirstTried { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
