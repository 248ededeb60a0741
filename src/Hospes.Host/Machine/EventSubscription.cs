using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Hospes.Host.Machine;

/// <summary>
/// One subscriber of <see cref="HostEvents"/>: a bounded queue that drops its oldest event when full (the publisher
/// never waits) and tells the reader how many it lost with one lagged event before the next it reads.
/// </summary>
internal sealed class EventSubscription : IDisposable
{
    private readonly HostEvents _hub;
    private readonly Func<HostEvent, bool>? _wants;
    private readonly Channel<HostEvent> _queue;
    private long _dropped;

    internal EventSubscription(HostEvents hub, Func<HostEvent, bool>? wants, int capacity)
    {
        _hub = hub;
        _wants = wants;
        _queue = Channel.CreateBounded<HostEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The events as they come, a lagged event before the first after a loss; ends when disposed or cancelled.</summary>
    public async IAsyncEnumerable<HostEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        ChannelReader<HostEvent> reader = _queue.Reader;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out HostEvent? e))
            {
                long lost = Interlocked.Exchange(ref _dropped, 0);
                if (lost > 0)
                {
                    yield return new HostEvent
                    {
                        Type = HostEventTypes.Lagged,
                        At = _hub.Time.GetUtcNow(),
                        Dropped = lost,
                        Message = $"this stream read too slowly: {lost} event(s) dropped",
                    };
                }

                yield return e;
            }
        }
    }

    public void Dispose()
    {
        _hub.Remove(this);
        _queue.Writer.TryComplete();
    }

    internal void Offer(HostEvent e)
    {
        if (_wants is null || _wants(e))
        {
            _queue.Writer.TryWrite(e);
        }
    }
}
