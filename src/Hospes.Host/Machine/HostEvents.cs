namespace Hospes.Host.Machine;

/// <summary>
/// The host's event hub: services publish where the truth changes (a VM's session commit, the memory policy, a clone
/// or migration run), every subscriber gets its own bounded queue. Publishing never waits: a subscriber that reads too
/// slowly loses its oldest events and is told how many. With no subscriber, publishing costs one read of an empty array.
/// </summary>
internal sealed class HostEvents(TimeProvider time)
{
    /// <summary>Events one subscriber may have unread before it loses the oldest.</summary>
    public const int QueueLength = 1024;

    private readonly Lock _gate = new();
    private EventSubscription[] _subscribers = [];
    private long _seq;

    /// <summary>Whether anyone listens: publishers may skip making an event nobody reads.</summary>
    public bool Listening => Volatile.Read(ref _subscribers).Length > 0;

    public TimeProvider Time => time;

    public void Publish(HostEvent e)
    {
        if (!Listening)
        {
            return;
        }

        // Under the gate so that every queue holds the events in the same (Seq) order; offering never waits.
        lock (_gate)
        {
            HostEvent stamped = e with { Seq = ++_seq, At = e.At == default ? time.GetUtcNow() : e.At };
            foreach (EventSubscription s in _subscribers)
            {
                s.Offer(stamped);
            }
        }
    }

    /// <summary>As <see cref="Publish(HostEvent)"/>, making the event only when someone listens.</summary>
    public void Publish(Func<HostEvent> make)
    {
        if (Listening)
        {
            Publish(make());
        }
    }

    /// <summary>
    /// A new subscriber; <paramref name="wants"/> (cheap, it runs in the publisher's thread) picks the events it queues.
    /// Dispose it to unsubscribe.
    /// </summary>
    public EventSubscription Subscribe(Func<HostEvent, bool>? wants = null, int capacity = QueueLength)
    {
        var s = new EventSubscription(this, wants, capacity);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, s];
        }

        return s;
    }

    /// <summary>How many subscribers there are (tests, diagnostics).</summary>
    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    internal void Remove(EventSubscription s)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(x => !ReferenceEquals(x, s))];
        }
    }
}
